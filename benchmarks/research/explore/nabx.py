import os, sys, numpy as np, torch
HERE=os.path.dirname(os.path.abspath(__file__)); sys.path.insert(0,os.path.join(HERE,'..','..')); sys.path.insert(0,HERE)
import timeseries_peers as tp, os, ae
from v1 import knn
from sklearn.metrics import roc_auc_score
torch.set_num_threads(1)
W=24; res={}
for f in sorted(os.listdir(os.path.join(HERE,'..','..','..','..','shared','data','nab'))):
    v,l=tp.read_series(os.path.join(os.path.join(HERE,'..','..','..','..','shared','data','nab'),f)); n=len(v); half=n//2
    tre=list(range(W-1,half)); tee=list(range(half,n)); y=np.array([l[e] for e in tee])
    if y.min()==y.max(): continue
    tr=tp.windows(v,W,tre); te=tp.windows(v,W,tee)
    m=np.asarray(v[:half]).mean(); sd=np.asarray(v[:half]).std() or 1
    Z=(tr-m)/sd; T=(te-m)/sd
    r={}
    for s in (0,):
        rng=np.random.default_rng(s); samp=Z if len(Z)<=2000 else Z[rng.choice(len(Z),2000,replace=False)]
        k5=knn(samp,T,5).mean(1); k1=knn(samp,T,1).mean(1)
        # validation: last 20% of training windows
        cut=int(len(Z)*0.8)
        e,d=ae.train(Z,s); at=ae.score(e,d,T)
        kv=knn(samp,Z[cut:],5).mean(1); av=ae.score(e,d,Z[cut:])
        r['k5']=roc_auc_score(y,k5); r['k1']=roc_auc_score(y,k1); r['ae']=roc_auc_score(y,at)
        r['ae+k5']=roc_auc_score(y,at/np.median(av)+k5/np.median(kv))
        r['sqae+k5']=roc_auc_score(y,np.sqrt(at/np.median(av))+k5/np.median(kv))
    res[f]=r; print(f"{f[:38]:<40}"+''.join(f"{k}={x:.4f} " for k,x in r.items()),flush=True)
print('MEAN', {k:round(np.mean([r[k] for r in res.values()]),4) for k in next(iter(res.values()))})
