cd pipe || exit 1
T=/sys/kernel/tracing
[ -w $T/trace ] || mount -t tracefs nodev $T
echo 65536 > $T/buffer_size_kb
echo 'stacktrace if order == 0' > $T/events/kmem/mm_page_free/trigger
echo 'stacktrace if order == 0' > $T/events/kmem/mm_page_alloc/trigger
echo 1 > $T/events/kmem/mm_page_free/enable
echo 1 > $T/events/kmem/mm_page_alloc/enable
./pipe_bench --cells 5x5:100 -d 0.5 --json | head -c 300; echo
echo 0 > $T/events/kmem/mm_page_free/enable
echo 0 > $T/events/kmem/mm_page_alloc/enable
echo "# frees traced: $(grep -c 'mm_page_free:' $T/trace), allocs: $(grep -c 'mm_page_alloc:' $T/trace)"
awk '/mm_page_free:/{ev="free"} /mm_page_alloc:/{ev="alloc"} /<stack trace>/{s=ev; for(i=0;i<7;i++){getline l; gsub(/^ *=> /,"",l); s=s" < "l}; print s}' $T/trace | grep -i pipe | sed 's/ < [a-z_]*ktime[a-z_0-9]*//g' | cut -c1-160 | sort | uniq -c | sort -rn | head -16
