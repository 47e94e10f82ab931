"""Ensembles of small autoencoders (seeds, bottleneck widths, column subsets), alone and with the input kNN term."""
import numpy as np, torch
from v1 import zs, knn, module_split
import ae
def variants(tr,va,te,s):
    z=zs(tr); Z=z(tr); out={}
    held, fit, ref = module_split(Z, s)
    T=z(te); f=Z.shape[1]
    kt=knn(ref,T,5).mean(1); kh=knn(ref,held,5).mean(1)
    M=lambda t,h: t/np.median(h)
    K=M(kt,kh)
    def member(seed, latent=None, cols=None):
        c=cols if cols is not None else np.arange(f)
        lat=None if latent is None else min(max(latent,1),max(len(c)-1,1))
        e,d=ae.train(Z[:,c],seed,epochs=50,batch=256,latent=lat)
        return M(np.sqrt(ae.score(e,d,T[:,c])),np.sqrt(ae.score(e,d,held[:,c])))
    base=member(s)
    seeds=[base,member(s+100),member(s+200)]
    widths=[base,member(s+300,latent=max(1,round(f/8))),member(s+400,latent=max(1,round(f/2)))]
    bags=[]
    for j in range(3):
        r=np.random.default_rng(1000+s*10+j); n=r.integers(max(1,f//2),f+1) if f>1 else 1
        bags.append(member(s+500+j,cols=np.sort(r.choice(f,n,replace=False))))
    for tag,mem in (('one',[base]),('seeds',seeds),('widths',widths),('bags',bags),('all',seeds+widths[1:]+bags)):
        a=np.mean(mem,0); out[tag]=a; out[tag+'+k5']=a+K
    out['k5']=kt
    return out
