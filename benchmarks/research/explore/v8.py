"""Heterogeneous terms: the module's score (AE 50 mirror) with IsolationForest and PCA terms, two normalisations."""
import numpy as np, torch
from sklearn.ensemble import IsolationForest
from sklearn.decomposition import PCA
from v1 import zs, knn, module_split
import ae
def variants(tr,va,te,s):
    z=zs(tr); Z=z(tr); out={}
    held, fit, ref = module_split(Z, s)
    T=z(te)
    Dt=knn(ref,T,5); Dh=knn(ref,held,5)
    terms={}
    terms['k5']=(Dt.mean(1),Dh.mean(1)); terms['k1']=(Dt[:,0],Dh[:,0])
    e,d=ae.train(Z,s,epochs=50,batch=256)
    terms['sq']=(np.sqrt(ae.score(e,d,T)),np.sqrt(ae.score(e,d,held)))
    f=IsolationForest(n_estimators=100,random_state=s).fit(fit)
    terms['if']=(-f.score_samples(T),-f.score_samples(held))
    p=PCA(n_components=0.9,svd_solver='full',random_state=0).fit(fit)
    pr=lambda x: np.sqrt(((p.inverse_transform(p.transform(x))-x)**2).mean(1))
    terms['pca']=(pr(T),pr(held))
    M=lambda t,h: t/np.median(h)
    R=lambda t,h: (t-np.median(h))/max(np.percentile(h,90)-np.median(h),1e-12)
    for k,(t,h) in terms.items(): out[k]=t
    combos=[('k5','sq'),('k5','if'),('k5','pca'),('k5','sq','if'),('k5','sq','pca'),('k5','if','pca'),('k5','sq','if','pca'),('k1','sq'),('k1','sq','if'),('sq','if')]
    for c in combos:
        out['+'.join(c)+'/m']=sum(M(*terms[x]) for x in c)
        out['+'.join(c)+'/r']=sum(R(*terms[x]) for x in c)
    return out
