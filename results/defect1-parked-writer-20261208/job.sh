cd pipe && ./pipe_pool_test -f full_ring
