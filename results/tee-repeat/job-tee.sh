# stress-ng's tee stressor, repeated in one boot: ten 2 s runs (the peer
# suite's window) and three 10 s runs. One line per run: window, bogo ops,
# real seconds, user and system CPU seconds.
for w in 2 2 2 2 2 2 2 2 2 2 10 10 10; do
	stress-ng --tee 1 --timeout "$w" --metrics-brief 2>&1 |
		awk -v w="$w" '/metrc.*tee  / { print "TEE", w, $5, $6, $7, $8 }'
done
