import numpy as np, torch
def zs(tr):
    m=tr.mean(0); s=tr.std(0); s[s==0]=1; return lambda x:(x-m)/s
def knn(ref, q, k):
    R=torch.tensor(ref,dtype=torch.float64); Q=torch.tensor(q,dtype=torch.float64)
    out=[]
    for i in range(0,len(Q),2048):
        d=torch.cdist(Q[i:i+2048],R); out.append(d.topk(k,largest=False).values)
    return torch.cat(out).numpy()
def module_split(Z, s):
    """The module's split of scaled training rows: a seeded fifth held out (for the medians), the rest fitted, and
    a reference sample of at most 2,000 fitted rows. Returns (held, fit, ref)."""
    rng=np.random.default_rng(s)
    perm=rng.permutation(len(Z)); cut=max(1,len(Z)//5)
    held, fit = Z[perm[:cut]], Z[perm[cut:]]
    ref = fit if len(fit)<=2000 else fit[rng.choice(len(fit),2000,replace=False)]
    return held, fit, ref
def rankgauss(tr):
    from sklearn.preprocessing import QuantileTransformer
    qt=QuantileTransformer(n_quantiles=min(1000,len(tr)),output_distribution='normal',subsample=10**9,random_state=0).fit(tr)
    return qt.transform
def variants(tr,va,te,s):
    rng=np.random.default_rng(s)
    samp = tr if len(tr)<=2000 else tr[rng.choice(len(tr),2000,replace=False)]
    z=zs(tr); out={}
    D=knn(z(samp),z(te),10)
    out['k5']=D[:,:5].mean(1); out['k1']=D[:,0]; out['k3']=D[:,:3].mean(1); out['k10']=D.mean(1)
    out['k5max']=D[:,4]
    rg=rankgauss(tr); Dr=knn(rg(samp),rg(te),5); out['rg5']=Dr.mean(1)
    mn=tr.min(0); mx=tr.max(0); r=mx-mn; r[r==0]=1
    Dm=knn((samp-mn)/r,(te-mn)/r,5); out['mm5']=Dm.mean(1)
    # whitening via PCA with floor
    Z=z(tr); C=np.cov(Z,rowvar=False); w,V=np.linalg.eigh(C); w=np.maximum(w,0.1*w.max()/10+1e-3)
    W=V/np.sqrt(w); Dw=knn(z(samp)@W,z(te)@W,5); out['wh5']=Dw.mean(1)
    return out
