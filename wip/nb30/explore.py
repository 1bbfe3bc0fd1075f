# ruff: noqa
import sys, time, math
sys.path.insert(0, "/work/main"); sys.path.insert(0, "/work/main/wip/nb30")
import utils
import keras, numpy as np, tensorflow as tf
from keras import layers, ops
from aae_core import AAE_CELL, PRIOR_CELL
HIDDEN = (512, 256); D_HIDDEN = (256, 256); RING_RADIUS = 4.0; RING_STD = 0.5
BATCH_SIZE = 128
exec(AAE_CELL); exec(PRIOR_CELL)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
EPOCHS = int(sys.argv[2]) if len(sys.argv) > 2 else 1
code = int(sys.argv[3]) if len(sys.argv) > 3 else 2
prior_name = sys.argv[4] if len(sys.argv) > 4 else "gauss"
lr_ae, lr_d, lr_g = [float(v) for v in (sys.argv[5] if len(sys.argv) > 5 else "0.002,0.0005,0.0005").split(",")]
x, y = utils.load_mnist("train", subset=None if N == 60000 else N, seed=0)
xt, yt = utils.load_mnist("test")
steps = math.ceil(len(x) / BATCH_SIZE)
def batches(seed):
    return utils.map_per_step(utils.make_dataset(x, batch_size=BATCH_SIZE, seed=seed, repeat=True), utils.binarize_sample, seed=seed)
utils.set_seed(0)
prior = ring_prior if prior_name == "ring" else gaussian_prior(code)
aae = AdversarialAutoencoder(make_encoder(code), make_decoder(code), make_code_discriminator(code), prior, seed=0)
sched = keras.optimizers.schedules.CosineDecay(lr_ae, EPOCHS * steps)
cos = lambda lr: keras.optimizers.schedules.CosineDecay(lr, EPOCHS * steps)
aae.compile(keras.optimizers.Adam(cos(lr_ae)), keras.optimizers.Adam(cos(lr_d), beta_1=0.5), keras.optimizers.Adam(cos(lr_g), beta_1=0.5))
t = utils.CpuTimer()
with t:
    h = aae.fit(batches(0), epochs=EPOCHS, steps_per_epoch=steps, verbose=2)
print("AAE cpu", t.cpu, "per epoch", t.cpu / EPOCHS)
z = ops.convert_to_numpy(aae.encode(xt))
print("code mean", z.mean(0), "std", z.std(0))
with t:
    samples = ops.convert_to_numpy(ops.sigmoid(aae.decoder(ops.convert_to_numpy(prior(10000, keras.random.SeedGenerator(5))))))
    m = utils.evaluation.evaluate_images(samples, "[0,1]")
print(utils.evaluation.format_metrics(m, "AAE"), "eval cpu", t.cpu)
if "novae" in sys.argv: sys.exit()
vae = utils.build_vae(code, conv=False, hidden=HIDDEN, seed=0)
vae.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(0.002, EPOCHS * steps)))
with t:
    vae.fit(batches(0), epochs=EPOCHS, steps_per_epoch=steps, verbose=2)
print("VAE cpu", t.cpu, "per epoch", t.cpu / EPOCHS)
with t:
    m = utils.evaluation.evaluate_images(ops.convert_to_numpy(vae.sample(10000, seed=5)), "[0,1]")
print(utils.evaluation.format_metrics(m, "VAE"), "eval cpu", t.cpu)
