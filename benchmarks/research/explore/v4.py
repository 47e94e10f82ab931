import numpy as np, torch
from v1 import zs, knn
import ae
def knn_idx(ref,q,k):
    R=torch.tensor(ref,dtype=torch.float64); Q=torch.tensor(q,dtype=torch.float64); D=[];I=[]
    for i in range(0,len(Q),2048):
        t=torch.cdist(Q[i:i+2048],R).topk(k,largest=False); D.append(t.values); I.append(t.indices)
    return torch.cat(D).numpy(), torch.cat(I).numpy()
def variants(tr,va,te,s):
    rng=np.random.default_rng(s)
    samp = tr if len(tr)<=2000 else tr[rng.choice(len(tr),2000,replace=False)]
    z=zs(tr); Z=z(tr); out={}; f=Z.shape[1]
    Dt,It=knn_idx(z(samp),z(te),5); Dv,Iv=knn_idx(z(samp),z(va),5)
    kt=Dt.mean(1); kv=Dv.mean(1); out['k5']=kt
    # feature bagging
    fb_t=0; fb_v=0
    for b in range(10):
        m=rng.integers(max(1,f//2), max(2,f)) if f>2 else f
        cols=rng.choice(f,min(m,f),replace=False)
        a=knn(z(samp)[:,cols],z(te)[:,cols],5).mean(1); c=knn(z(samp)[:,cols],z(va)[:,cols],5).mean(1)
        fb_t=fb_t+a/np.median(c); fb_v=fb_v+c/np.median(c)
    out['fbag']=fb_t
    e,d=ae.train(Z,s)
    es=ae.score(e,d,z(samp)); et=ae.score(e,d,z(te)); ev=ae.score(e,d,z(va))
    rel_t=et/es[It].mean(1); rel_v=ev/es[Iv].mean(1)
    out['relerr']=rel_t
    out['k5*rel']=kt*np.sqrt(rel_t)
    out['k5+rel']=kt/np.median(kv)+rel_t/np.median(rel_v)
    # residual-augmented space
    def aug(x):
        xx=torch.tensor(x,dtype=torch.float32)
        with torch.no_grad(): r=(xx-d(e(xx))).numpy()
        return np.hstack([x,r])
    out['augknn']=knn(aug(z(samp)),aug(z(te)),5).mean(1)
    def lat(x): return ae.latent(e,x)
    lt=knn(lat(z(samp)),lat(z(te)),5).mean(1); lv=knn(lat(z(samp)),lat(z(va)),5).mean(1)
    out['k5+lat']=kt/np.median(kv)+lt/np.median(lv)
    out['fbag+ae']=fb_t/10+et/np.median(ev)
    return out
