cd pipe
(
while :; do
	for f in /sys/block/zram*/mm_stat; do
		[ -r "$f" ] || continue
		read -r l < "$f"
		read -r up _ < /proc/uptime
		echo "ZS $up $f $l"
	done
	sleep 0.5
done
) > /tmp/zs.log 2>&1 &
zp=$!
./pipe_bench --json -d 0.5 --cells=1x5:64K,5x5:64K,1x1:100,1x5:64K --memory-pressure=memcg
kill $zp
grep -o '"writers":[0-9]*\|"readers":[0-9]*\|"msg_size":[0-9]*\|"pgalloc":[0-9]*\|"pswpout":[0-9]*\|"pswpin":[0-9]*' /dev/null
cat /tmp/zs.log
grep -E '^(pgalloc_dma32|pgalloc_normal|pswpout|pswpin) ' /proc/vmstat
