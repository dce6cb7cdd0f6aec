cd pipe
busybox taskset -h 2>&1 | head -2
for i in 1 2 3; do
	echo "MODE free"; ./pipe_bench --json -d 0.5 --cells=pp:1 || echo FAIL
	echo "MODE cpu0"; busybox taskset 1 ./pipe_bench --json -d 0.5 --cells=pp:1 || echo FAIL
done
