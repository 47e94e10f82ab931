"""The module's score, mirrored: reference sample and medians from the training rows' own held-out share."""
import numpy as np, torch
from v1 import zs, knn, module_split
import ae
def variants(tr,va,te,s):
    z=zs(tr); Z=z(tr); out={}
    held, fit, ref = module_split(Z, s)
    T=z(te)
    kt=knn(ref,T,5).mean(1); kh=knn(ref,held,5).mean(1)
    for tag,kw in (('old',dict(epochs=100,batch=64)),('50',dict(epochs=50,batch=256))):
        e,d=ae.train(Z,s,**kw)
        at=ae.score(e,d,T); ah=ae.score(e,d,held)
        L=lambda x: ae.latent(e,x)
        lr=L(ref); lt=knn(lr,L(T),5).mean(1); lh=knn(lr,L(held),5).mean(1)
        M=lambda t,h: t/np.median(h)
        out['ae'+tag]=at
        out['sq+k5'+tag]=np.sqrt(M(at,ah))+M(kt,kh)
        out['sq+k5+l'+tag]=np.sqrt(M(at,ah))+M(kt,kh)+M(lt,lh)
        out['ae+k5+l'+tag]=M(at,ah)+M(kt,kh)+M(lt,lh)
    out['k5']=kt
    return out
