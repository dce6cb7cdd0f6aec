cd pipe
for i in 1 2 3; do ./pipe_bench --json -d 0.5 --cells=5x1:64K || echo FAIL; done
for i in 1 2 3; do ./pipe_bench --json -d 0.5 --cells=5x1:64K --memory-pressure=memcg || echo FAIL; done
