cd pipe
v() { grep -E '^(slabs_scanned|pgalloc_dma32|pgfree|pswpout|pswpin|pgscan_direct|pgsteal_direct) ' /proc/vmstat | tr '\n' ' '; echo; }
echo "VM0 $(v)"
./pipe_bench --json -d 0.5 --cells=1x5:64K,1x5:64K,1x1:100 --memory-pressure=memcg
echo "VM1 $(v)"
./pipe_bench --json -d 0.5 --cells=1x5:64K,1x1:100
echo "VM2 $(v)"
