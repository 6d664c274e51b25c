# Run zf (H100), calls 5 to 7 (6: the products-only mode; 7: the 8-bit digits): the int8-slice state-pass prototype (scripts/fused-bench/ozaki_state.cu):
# its check against float64 on the host, then SM cycles per (token, head).
set -u
R=$OUT/${CALL:-c5}; mkdir -p $R
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,power.limit --format=csv > $R/nvidia-smi.txt
nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -Xptxas -v -o /tmp/ozaki_state scripts/fused-bench/ozaki_state.cu > $R/build.txt 2>&1
cuobjdump -sass /tmp/ozaki_state | grep -oE "^ +/\*[0-9a-f]+\*/ +[A-Z0-9_.]+" | awk '{print $2}' | sed 's/\..*//' | sort | uniq -c | sort -rn > $R/sass-mix.txt
head -25 $R/sass-mix.txt
timeout 240 /tmp/ozaki_state > $R/ozaki-state.txt 2>&1; echo "rc=$?" >> $R/ozaki-state.txt
cat $R/ozaki-state.txt
cd $OUT && tar czf ${CALL:-c5}.tgz ${CALL:-c5} && rm -rf ${CALL:-c5}
