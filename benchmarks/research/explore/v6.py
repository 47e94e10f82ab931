import numpy as np, torch
from v1 import zs, knn
from v5 import logskew
import ae
def variants(tr,va,te,s):
    rng=np.random.default_rng(s)
    samp = tr if len(tr)<=2000 else tr[rng.choice(len(tr),2000,replace=False)]
    out={}
    for nm,z in (('z',zs(tr)),('ls',logskew(tr))):
        Z=z(tr)
        kt=knn(z(samp),z(te),1).mean(1); kv=knn(z(samp),z(va),1).mean(1)
        e,d=ae.train(Z,s); at=ae.score(e,d,z(te)); av=ae.score(e,d,z(va))
        L=lambda x: ae.latent(e,z(x))
        lt=knn(L(samp),L(te),1).mean(1); lv=knn(L(samp),L(va),1).mean(1)
        M=lambda t,v: t/np.median(v)
        out[nm+'k1']=kt; out[nm+'ae']=at
        out[nm+'ae+k1']=M(at,av)+M(kt,kv)
        out[nm+'sq+k1']=np.sqrt(M(at,av))+M(kt,kv)
        out[nm+'ae+k1+l']=M(at,av)+M(kt,kv)+M(lt,lv)
        out[nm+'sq+k1+l']=np.sqrt(M(at,av))+M(kt,kv)+M(lt,lv)
    return out
