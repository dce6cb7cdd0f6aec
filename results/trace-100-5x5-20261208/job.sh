cd pipe || exit 1
T=/sys/kernel/tracing
[ -w $T/trace ] || mount -t tracefs nodev $T
echo 32768 > $T/buffer_size_kb
echo 'stacktrace if order == 0' > $T/events/kmem/mm_page_alloc/trigger
echo 1 > $T/events/kmem/mm_page_alloc/enable
./pipe_bench --cells 5x5:100 -d 0.5 --json | head -c 600; echo
echo 0 > $T/events/kmem/mm_page_alloc/enable
echo "# allocs traced: $(grep -c 'mm_page_alloc:' $T/trace)"
awk '/<stack trace>/{s=""; for(i=0;i<6;i++){getline l; gsub(/^ *=> /,"",l); s=s" < "l}; print s}' $T/trace | grep -i pipe | sort | uniq -c | sort -rn | head -12
