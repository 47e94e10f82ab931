import numpy as np, torch
from v1 import zs, knn, rankgauss
def norm(v, t, how):
    med=np.median(v); 
    if how=='med': return t/max(med,1e-12)
    if how=='log': return np.log(np.maximum(t,1e-12)/max(med,1e-12))
    if how=='p90': p=np.percentile(v,90); return (t-med)/max(p-med,1e-12)
def variants(tr,va,te,s):
    rng=np.random.default_rng(s)
    samp = tr if len(tr)<=2000 else tr[rng.choice(len(tr),2000,replace=False)]
    out={}; terms={}
    mn=tr.min(0); mx=tr.max(0); r=mx-mn; r[r==0]=1
    scal={'z':zs(tr),'mm':lambda x:(x-mn)/r,'rg':rankgauss(tr)}
    for n,f in scal.items():
        Dt=knn(f(samp),f(te),5); Dv=knn(f(samp),f(va),5)
        terms[n]=(Dv.mean(1),Dt.mean(1))
        out[n+'5']=Dt.mean(1)
    for how in ('med','log','p90'):
        out['zmm_'+how]=sum(norm(*terms[n],how) for n in ('z','mm'))
        out['all_'+how]=sum(norm(*terms[n],how) for n in ('z','mm','rg'))
    return out
