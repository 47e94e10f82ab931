import numpy as np, torch, warnings
from v1 import zs, knn
from scipy.stats import skew
warnings.filterwarnings('ignore')
def yj(tr):
    from sklearn.preprocessing import PowerTransformer
    pt=PowerTransformer(method='yeo-johnson',standardize=True).fit(tr)
    def f(x):
        y=pt.transform(x); return np.nan_to_num(y, nan=0.0, posinf=50, neginf=-50)
    return f
def qlin(tr):
    # empirical CDF -> normal quantiles, linear extrapolation beyond the training range (no clipping)
    from scipy.stats import norm
    n=len(tr); qs=np.linspace(0,1,min(n,200)); knots=np.quantile(tr,qs,axis=0)
    p=np.clip(qs,0.5/n,1-0.5/n); t=norm.ppf(p)
    def f(x):
        out=np.empty_like(x,dtype=float)
        for j in range(x.shape[1]):
            k,idx=np.unique(knots[:,j],return_index=True)
            if len(k)<2: out[:,j]=0; continue
            tt=t[idx] if len(k)==len(t) else np.array([t[np.where(knots[:,j]==v)[0]].mean() for v in k])
            y=np.interp(x[:,j],k,tt)
            lo=x[:,j]<k[0]; hi=x[:,j]>k[-1]
            sl=(tt[1]-tt[0])/(k[1]-k[0]); sh=(tt[-1]-tt[-2])/(k[-1]-k[-2])
            y[lo]=tt[0]+(x[lo,j]-k[0])*sl; y[hi]=tt[-1]+(x[hi,j]-k[-1])*sh
            out[:,j]=y
        return out
    return f
def logskew(tr):
    mn=tr.min(0); sk=skew(tr,axis=0); sk=np.nan_to_num(sk)
    cols=(mn>=0)&(sk>1)
    sc=np.where(cols, np.maximum(np.median(np.where(tr>0,tr,np.nan),axis=0),1e-9) ,1)
    sc=np.nan_to_num(sc,nan=1.0)
    def t(x):
        y=x.astype(float).copy(); y[:,cols]=np.log1p(np.maximum(x[:,cols],0)/sc[cols]); return y
    z=zs(t(tr)); return lambda x:z(t(x))
def variants(tr,va,te,s):
    rng=np.random.default_rng(s)
    samp = tr if len(tr)<=2000 else tr[rng.choice(len(tr),2000,replace=False)]
    out={}
    for n,f in {'z':zs(tr),'yj':yj(tr),'qlin':qlin(tr),'logsk':logskew(tr)}.items():
        out[n+'5']=knn(f(samp),f(te),5).mean(1)
        out[n+'1']=knn(f(samp),f(te),1).mean(1)
    return out
