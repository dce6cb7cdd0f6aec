cd pipe
for i in 1 2 3; do ./pipe_bench --json -d 0.5 --cells=pp:1,pp:100,1x1:100,1x1:512 || echo FAIL; done
