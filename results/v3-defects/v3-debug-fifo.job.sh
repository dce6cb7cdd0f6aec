cd pipe
for i in 1 2 3; do ./pipe_pool_test -t first_open_race; done
