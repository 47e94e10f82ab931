import numpy as np, torch
def layers(f, latent=None):
    lat = latent or min(max(round(f/4),1),max(f-1,1))
    first=min(max(2*f,8),128)
    hidden=[first]+([first//4] if first//4>2*lat else [])
    return hidden, lat
def build(f, hidden, lat):
    w=[f]+hidden+[lat]; L=[]
    for i in range(len(w)-1): L+=[torch.nn.Linear(w[i],w[i+1])]+([torch.nn.ReLU()] if i<len(w)-2 else [])
    enc=torch.nn.Sequential(*L); b=w[::-1]; L=[]
    for i in range(len(b)-1): L+=[torch.nn.Linear(b[i],b[i+1])]+([torch.nn.ReLU()] if i<len(b)-2 else [])
    return enc, torch.nn.Sequential(*L)
def train(x, seed, mask=0.0, noise=0.0, epochs=50, batch=256, patience=10, lr=1e-3, latent=None, hidden=None, wd=0.0):
    torch.manual_seed(seed); rng=np.random.default_rng(seed)
    x=torch.tensor(x,dtype=torch.float32); f=x.shape[1]
    order=torch.tensor(rng.permutation(len(x))); cut=max(1,len(x)//5)
    held,fit=x[order[:cut]],x[order[cut:]]
    h,lat=layers(f,latent)
    if hidden is not None: h=hidden
    enc,dec=build(f,h,lat); params=list(enc.parameters())+list(dec.parameters())
    opt=torch.optim.Adam(params,lr=lr,weight_decay=wd)
    g=torch.Generator().manual_seed(seed+1)
    hm=(torch.rand(held.shape,generator=g)>=mask).float() if mask>0 else None
    best,bs,wait=1e18,None,0
    for ep in range(epochs):
        for idx in torch.randperm(len(fit)).split(batch):
            xb=fit[idx]; inp=xb
            if mask>0: inp=inp*(torch.rand(xb.shape)>=mask).float()
            if noise>0: inp=inp+noise*torch.randn(xb.shape)
            opt.zero_grad(); loss=((dec(enc(inp))-xb)**2).mean(); loss.backward(); opt.step()
        with torch.no_grad():
            inp=held*hm if hm is not None else held
            hl=((dec(enc(inp))-held)**2).mean().item()
        if hl<best: best,wait=hl,0; bs=[{k:v.clone() for k,v in m.state_dict().items()} for m in (enc,dec)]
        else:
            wait+=1
            if wait>=patience: break
    enc.load_state_dict(bs[0]); dec.load_state_dict(bs[1])
    return enc,dec
def score(enc,dec,x,masks=None):
    x=torch.tensor(x,dtype=torch.float32)
    with torch.no_grad():
        if masks is None: return ((dec(enc(x))-x)**2).mean(1).numpy()
        tot=0
        for m in masks: tot=tot+((dec(enc(x*m))-x)**2).mean(1)
        return (tot/len(masks)).numpy()
def latent(enc,x):
    with torch.no_grad(): return enc(torch.tensor(x,dtype=torch.float32)).numpy()
