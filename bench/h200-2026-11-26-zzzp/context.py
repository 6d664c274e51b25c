import csv,sys
f=sys.argv[1]; a=int(sys.argv[2]); b=int(sys.argv[3])
rows=list(csv.reader(open(f)))
hi=[i for i,r in enumerate(rows) if r and r[0]=='Address'][0]
h=rows[hi]; data=rows[hi+1:]
ix={c:i for i,c in enumerate(h)}
reasons=[c for c in h if c.startswith('stall_') and 'Not Issued' not in c]
for k in range(a,b):
    r=data[k]
    s=int(r[ix['Warp Stall Sampling (All Samples)']] or 0)
    d={x[6:]:int(r[ix[x]] or 0) for x in reasons}
    top=' '.join(f'{x}={v}' for x,v in sorted(d.items(),key=lambda t:-t[1])[:2] if v)
    print(f'{k:5d} {s:5d} {int(r[ix["Instructions Executed"]] or 0):7d} {r[1].strip()[:60]:60s} {top}')
