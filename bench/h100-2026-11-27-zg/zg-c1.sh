# Run zg: the int8-slice state-pass prototype, versions 1 and 2 (WS) (scripts/fused-bench/ozaki_state.cu):
# its check against float64 on the host, then SM cycles per (token, head).
set -u
R=$OUT/${CALL:-c1}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -Xptxas -v -o /tmp/ozaki_state scripts/fused-bench/ozaki_state.cu > $R/build.txt 2>&1
cuobjdump -sass /tmp/ozaki_state > $R/sass.txt; cat $R/sass.txt | grep -oE "^ +/\*[0-9a-f]+\*/ +[A-Z0-9_.]+" | awk '{print $2}' | sed 's/\..*//' | sort | uniq -c | sort -rn > $R/sass-mix.txt
awk '/Function : .*ozaki_ws_kernel/{f=1;next} /Function : /{f=0} f' $R/sass.txt | grep -n "STL\|LDL" | awk '{print $1, $2, $3, $4}' > $R/ws-spills.txt; echo "ws kernel local memory accesses: $(wc -l < $R/ws-spills.txt)"
timeout 240 /tmp/ozaki_state > $R/ozaki-state.txt 2>&1; echo "rc=$?" >> $R/ozaki-state.txt
cat $R/ozaki-state.txt
cd $OUT && tar czf ${CALL:-c1}.tgz ${CALL:-c1} && rm -rf ${CALL:-c1}
