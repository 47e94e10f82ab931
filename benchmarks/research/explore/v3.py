import numpy as np, torch
from v1 import zs, knn
import ae
def variants(tr,va,te,s):
    rng=np.random.default_rng(s)
    samp = tr if len(tr)<=2000 else tr[rng.choice(len(tr),2000,replace=False)]
    z=zs(tr); Z=z(tr); out={}
    Dt=knn(z(samp),z(te),5).mean(1); Dv=knn(z(samp),z(va),5).mean(1)
    out['k5']=Dt
    e,d=ae.train(Z,s); at=ae.score(e,d,z(te)); av=ae.score(e,d,z(va)); out['ae']=at
    out['ae+k5']=at/np.median(av)+Dt/np.median(Dv)
    f=Z.shape[1]; g=torch.Generator().manual_seed(1000+s)
    for p in (0.25,0.5):
        e,d=ae.train(Z,s,mask=p)
        masks=[(torch.rand(1,f,generator=g)>=p).float() for _ in range(8)]
        mt=ae.score(e,d,z(te),masks); mv=ae.score(e,d,z(va),masks)
        out[f'm{p}']=mt; out[f'm{p}+k5']=mt/np.median(mv)+Dt/np.median(Dv)
    return out
