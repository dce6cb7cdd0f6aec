cd pipe
for i in 1 2 3; do ./pipe_pool_test -t burst_then_idle -t idle_footprint 2>&1; done
