import csv,sys,re
f=sys.argv[1]
rows=list(csv.reader(open(f)))
hi=[i for i,r in enumerate(rows) if r and r[0]=='Address'][0]
h=rows[hi]; data=rows[hi+1:]
ix={c:i for i,c in enumerate(h)}
reasons=[c for c in h if c.startswith('stall_') and 'Not Issued' not in c]
tot={r:0 for r in reasons}; S=0
ins=[]
for k,r in enumerate(data):
    if len(r)<len(h): continue
    s=int(r[ix['Warp Stall Sampling (All Samples)']] or 0); S+=s
    d={x:int(r[ix[x]] or 0) for x in reasons}
    for x in reasons: tot[x]+=d[x]
    ins.append((k,s,r[1].strip(),d,int(r[ix['Instructions Executed']] or 0)))
print('total samples',S)
for x,v in sorted(tot.items(),key=lambda t:-t[1])[:10]: print(f'  {x:22s} {v:7d} {100*v/S:5.1f}%')
# long_sb hot spots
print('top long_sb:')
for k,s,src,d,ex in sorted(ins,key=lambda t:-t[3]['stall_long_sb'])[:12]: print(f'  {k:5d} {s:6d} lsb={d["stall_long_sb"]:5d} ex={ex:8d} {src}')
print('LDL/STL executed:', sum(ex for k,s,src,d,ex in ins if re.search(r'\b(LDL|STL)\b',src)), 'count', sum(1 for k,s,src,d,ex in ins if re.search(r'\b(LDL|STL)\b',src)))
print('top barrier:')
for k,s,src,d,ex in sorted(ins,key=lambda t:-t[3]['stall_barrier'])[:6]: print(f'  {k:5d} {s:6d} bar={d["stall_barrier"]:5d} ex={ex:8d} {src}')
