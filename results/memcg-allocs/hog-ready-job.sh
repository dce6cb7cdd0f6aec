cd pipe
./pipe_bench --json -d 0.5 --cells=1x1:64K,1x5:64K,1x10:64K,2x1:64K,2x5:64K,1x1:100,5x5:100,5x5:512 --memory-pressure=memcg
