for i in 1 2 3 4 5 6 7 8; do
stress-ng --splice 1 --timeout 2 --metrics-brief 2>&1 | awk '/metrc.*splice  / { print "SPLICE", $5, $7, $8 }'
done
