"""Search for notebook 21's default DCGAN at an equal budget of training CPU-seconds (issue 14).

Target: with default parameters, within 600 CPU-seconds of training, classifier FD <= 5x the real-vs-real floor
at n = 10,000 and an Inception-style score >= 9. Every (variant, seed) run trains on all 60,000 MNIST images
until ``--budget`` seconds of process CPU time (time.process_time) are spent *in training*: a callback stops
`fit`, and the checkpoint evaluations it makes every ``--every`` CPU-s (FD and score at n = 2,000) are paused
out of the count. Then 10,000 samples are judged with utils.evaluation (FD beside its floor at the same n,
Inception-style score, precision/recall). Each finished run is appended atomically to
results/dcgan_search.json; a restart skips the runs already there.

Phases (``--phase all`` runs them in this order, each choosing from the results before it):
  screen  every variant, one seed, a short budget (default 150 CPU-s), to cut losers;
  final   the best ``--keep`` screened variants plus REFERENCES (baseline, no_dropout, TF tutorial), ``--seeds``
          seeds, 600 CPU-s;
  long    the final winner (lowest mean FD/floor), one seed, 3x the final budget: FD/floor and score at n = 10,000
          against training CPU-seconds (the other phases' checkpoints use n = 2,000, whose floor is higher), to
          say how many CPU-seconds it needs if 600 do not reach the target.

Threads: ``--threads 1`` (default) sets TensorFlow's intra- and inter-op pools to one thread, so that the
search holds one core of the 2-core machine. CPU-seconds per generator step at 1 and 2 threads are measured by
``--time-steps`` (results under "timings" in the JSON; ``--table`` prints them); notebook 21 runs with
TensorFlow's default threads (2 here). Measured on this machine (baseline variant, batch 64, 300 steps):
42.9 CPU-ms per step with 1 thread, 48.3 with 2, so a run with 2 threads gets about 11% fewer generator steps
from the same CPU-seconds (it finishes sooner in wall time).

Usage:
  /work/cpu .venv/bin/python tools/dcgan_search.py --phase all            # resumable; see build/dcgan_search/
  .venv/bin/python tools/dcgan_search.py --table                          # the tables, from the JSON
  /work/cpu .venv/bin/python tools/dcgan_search.py --time-steps 300 --threads 2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # as utils does; this tool imports TensorFlow first

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "results" / "dcgan_search.json"
SCRATCH = REPO / "build" / "dcgan_search"
TARGET_RATIO, TARGET_SCORE = 5.0, 9.0
EVAL_N, CURVE_N = 10_000, 2_000
EVAL_SEED = 1_000_003  # noise for the final samples, never used in training

# Today's notebook 21: width 32, dropout 0.3 in D, batch 64, Adam 2e-4 / beta_1 0.5 for both networks.
BASE = {"width": 32, "dropout": 0.3, "spectral_norm": False, "channels_28": 0, "loss": "non_saturating",
        "r1_weight": 0.0, "r1_every": 1, "ema": 0.0, "d_lr": 2e-4, "g_lr": 2e-4, "beta_1": 0.5, "batch": 64}
# Each variant changes BASE; all but the baseline drop D's dropout, which the issue's ablation found to help
# (-21% FD, -18% CPU per step): the other levers are then tried one at a time on top, and two combinations.
NO_DROP = {"dropout": 0.0}
VARIANTS = {
    "baseline": {},
    "no_dropout": NO_DROP,
    "spectral_norm": {**NO_DROP, "spectral_norm": True},
    "stage_28": {**NO_DROP, "channels_28": 16},
    "ema": {**NO_DROP, "ema": 0.999},
    "ttur": {**NO_DROP, "d_lr": 4e-4, "g_lr": 1e-4},  # Heusel et al. (2017): faster D
    "hinge": {**NO_DROP, "loss": "hinge"},
    "r1": {**NO_DROP, "r1_weight": 1.0, "r1_every": 4},  # Mescheder et al. (2018); lazy, every 4th D step
    "wide_64": {**NO_DROP, "width": 64},
    "stage_28_ema": {**NO_DROP, "channels_28": 16, "ema": 0.999},
    "stage_28_ema_ttur": {**NO_DROP, "channels_28": 16, "ema": 0.999, "d_lr": 4e-4, "g_lr": 1e-4},
    # Added after the first eight screening runs, in which hinge was the best single change (EMA pays late).
    "fast_lr": {**NO_DROP, "d_lr": 5e-4, "g_lr": 5e-4},
    "hinge_ema": {**NO_DROP, "loss": "hinge", "ema": 0.999},
    "hinge_stage_28_ema": {**NO_DROP, "loss": "hinge", "channels_28": 16, "ema": 0.999},
    "hinge_fast_ema": {**NO_DROP, "loss": "hinge", "d_lr": 5e-4, "g_lr": 5e-4, "ema": 0.999},
    # Added after fast_lr came out best of the first thirteen: how far does the learning rate go?
    "lr_1e-3": {**NO_DROP, "d_lr": 1e-3, "g_lr": 1e-3},
    "fast_ema": {**NO_DROP, "d_lr": 5e-4, "g_lr": 5e-4, "ema": 0.999},
    "hinge_fast": {**NO_DROP, "loss": "hinge", "d_lr": 5e-4, "g_lr": 5e-4},
    # Added after lr_1e-3 led at its 100 CPU-s checkpoint.
    "lr_2e-3": {**NO_DROP, "d_lr": 2e-3, "g_lr": 2e-3},
    "lr_1e-3_ema": {**NO_DROP, "d_lr": 1e-3, "g_lr": 1e-3, "ema": 0.999},
    "tf_tutorial": {"tutorial": True},
}
# Always in the final phase: today's settings, the first change (no dropout) alone, and the TF tutorial.
REFERENCES = ("baseline", "no_dropout", "tf_tutorial")


def settings(variant):
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {sorted(VARIANTS)}, got {variant!r}")
    if VARIANTS[variant].get("tutorial"):
        # TensorFlow's DCGAN tutorial (tensorflow.org/tutorials/generative/dcgan), reimplemented from its text.
        return {"tutorial": True, "loss": "non_saturating", "d_lr": 1e-4, "g_lr": 1e-4, "beta_1": 0.9, "batch": 256,
                "ema": 0.0, "r1_weight": 0.0, "r1_every": 1}
    return {**BASE, **VARIANTS[variant]}


def tutorial_networks(latent_dim=100):
    """The TF tutorial's networks: G Dense 7x7x256 -> ConvT 128 (5x5, stride 1) -> 64 (stride 2) -> 1 (stride 2,
    tanh), batch norm and LeakyReLU in G; D Conv 64 and 128 (5x5, stride 2), LeakyReLU, dropout 0.3, Dense 1."""
    import keras
    from keras import layers

    z = keras.Input((latent_dim,))
    h = layers.Reshape((7, 7, 256))(layers.LeakyReLU(0.3)(layers.BatchNormalization()(
        layers.Dense(7 * 7 * 256, use_bias=False)(z))))
    for filters, stride in ((128, 1), (64, 2)):
        h = layers.Conv2DTranspose(filters, 5, strides=stride, padding="same", use_bias=False)(h)
        h = layers.LeakyReLU(0.3)(layers.BatchNormalization()(h))
    image = layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh")(h)
    x = keras.Input((28, 28, 1))
    h = x
    for filters in (64, 128):
        h = layers.Dropout(0.3)(layers.LeakyReLU(0.3)(layers.Conv2D(filters, 5, strides=2, padding="same")(h)))
    logit = layers.Dense(1)(layers.Flatten()(h))
    return keras.Model(z, image, name="generator"), keras.Model(x, logit, name="discriminator")


def build(variant, seed):
    """A compiled utils.GAN for the variant, seeded."""
    import keras

    import utils

    s = settings(variant)
    utils.set_seed(seed)
    if s.get("tutorial"):
        g, d = tutorial_networks()
    else:
        g = utils.dcgan_generator(100, s["width"], channels_28=s["channels_28"])
        d = utils.dcgan_discriminator(s["width"], dropout=s["dropout"], spectral_norm=s["spectral_norm"])
    gan = utils.GAN(g, d, 100, generator_loss=s["loss"], r1_weight=s["r1_weight"], r1_every=s["r1_every"],
                    seed=seed)
    g_opt = (keras.optimizers.Adam(s["g_lr"], beta_1=s["beta_1"], use_ema=True, ema_momentum=s["ema"]) if s["ema"]
             else keras.optimizers.Adam(s["g_lr"], beta_1=s["beta_1"]))
    gan.compile(d_optimizer=keras.optimizers.Adam(s["d_lr"], beta_1=s["beta_1"]), g_optimizer=g_opt)
    return gan, s


def sample(gan, n, seed):
    """n images from the generator's averaged weights when its optimiser keeps an EMA, live weights restored."""
    g, opt = gan.generator, gan.g_optimizer
    if not opt.use_ema:
        return gan.generate(n, seed=seed)
    live = [v.numpy() for v in g.trainable_variables]
    opt.finalize_variable_values(g.trainable_variables)
    try:
        return gan.generate(n, seed=seed)
    finally:
        for variable, value in zip(g.trainable_variables, live, strict=True):
            variable.assign(value)


def make_budget(budget, every, checkpoint):
    """A Keras callback that stops fit once ``budget`` process CPU-seconds are spent in training; every ``every``
    CPU-s it calls ``checkpoint(cpu_s)``, whose own CPU time is not counted."""
    import keras

    class Budget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start, self.paused, self.next = time.process_time(), 0.0, every

        def used(self):
            return time.process_time() - self.start - self.paused

        def on_train_batch_end(self, batch, logs=None):
            used = self.used()
            if every and used >= self.next:
                t = time.process_time()
                checkpoint(used)
                self.paused += time.process_time() - t
                self.next += every
            if used >= budget:
                self.model.stop_training = True

    return Budget()


def run(variant, seed, budget, every, threads, phase):
    """Train one (variant, seed) for ``budget`` training CPU-s; return its record."""
    import utils
    from utils import evaluation

    gan, s = build(variant, seed)
    x, _ = utils.load_mnist("train", scale="[-1,1]")
    data = utils.make_dataset(x, batch_size=s["batch"], seed=seed, drop_remainder=True)
    curve = []

    curve_n = EVAL_N if phase == "long" else CURVE_N  # the long run's curve is read against the target itself

    def checkpoint(cpu_s):
        m = evaluation.evaluate_images(sample(gan, curve_n, EVAL_SEED), "[-1,1]", seed=0)
        curve.append({"cpu_s": round(cpu_s, 1), "g_steps": int(gan.g_optimizer.iterations.numpy()), "n": curve_n,
                      "fd_ratio": m["fd"] / m["fd_floor"], "inception_score": m["inception_score"]})
        print(f"    {variant} seed {seed}: {cpu_s:6.0f} CPU-s, FD/floor at n={curve_n:,} {curve[-1]['fd_ratio']:6.1f},"
              f" score {m['inception_score']:.2f}", flush=True)

    callback = make_budget(budget, every, checkpoint)
    wall = time.perf_counter()
    gan.fit(data, epochs=10_000, verbose=0, callbacks=[callback])
    train_cpu, wall = callback.used(), time.perf_counter() - wall
    steps = int(gan.g_optimizer.iterations.numpy())
    m = evaluation.evaluate_images(gan.generate(EVAL_N, seed=EVAL_SEED), "[-1,1]", seed=0)
    return {"phase": phase, "variant": variant, "seed": seed, "budget": budget, "threads": threads,
            "train_cpu_s": round(train_cpu, 1), "wall_s": round(wall, 1), "g_steps": steps,
            "cpu_per_step": train_cpu / steps, "epochs": steps * s["batch"] / len(x),
            "fd": m["fd"], "fd_floor": m["fd_floor"], "fd_ratio": m["fd"] / m["fd_floor"],
            "inception_score": m["inception_score"], "precision": m["precision"], "recall": m["recall"],
            "curve": curve, "settings": s}


def load():
    if RESULTS.is_file():
        with open(RESULTS, encoding="utf-8") as f:
            return json.load(f)
    return {"about": __doc__.splitlines()[0], "runs": [], "timings": []}


def save(results):
    """Write the whole file to a temporary neighbour, then replace: a kill never leaves half a file."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=RESULTS.parent, prefix=".dcgan_search.", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    os.replace(tmp, RESULTS)


def done(results, phase, variant, seed, budget):
    return any(r["phase"] == phase and r["variant"] == variant and r["seed"] == seed and r["budget"] == budget
               for r in results["runs"])


def mean_ratio(results, phase, variant):
    values = [r["fd_ratio"] for r in results["runs"] if r["phase"] == phase and r["variant"] == variant]
    return np.mean(values) if values else np.inf


def plan(phase, results, args):
    """The (variant, seed, budget) runs of a phase, chosen from the results of the phases before it."""
    if phase == "screen":
        variants = args.variants or list(VARIANTS)
        return [(v, 0, args.screen_budget) for v in variants]
    if phase == "final":
        if args.variants:
            variants = args.variants
        else:
            screened = sorted((v for v in VARIANTS if v not in REFERENCES),
                              key=lambda v: mean_ratio(results, "screen", v))
            variants = screened[:args.keep] + list(REFERENCES)
        return [(v, seed, args.budget) for v in variants for seed in range(args.seeds)]
    finalists = {r["variant"] for r in results["runs"] if r["phase"] == "final"}
    if not finalists:
        return []
    winner = min(finalists, key=lambda v: mean_ratio(results, "final", v))
    return [(winner, 0, 3 * args.budget)]


def time_steps(steps, threads):
    """CPU-seconds per generator step of the baseline after 20 warm-up steps (tracing excluded)."""
    import utils

    gan, s = build("baseline", 0)
    x, _ = utils.load_mnist("train", scale="[-1,1]", subset=(steps + 20) * s["batch"])
    data = utils.make_dataset(x, batch_size=s["batch"], seed=0, drop_remainder=True)
    gan.fit(data.take(20), epochs=1, verbose=0)
    cpu = time.process_time()
    gan.fit(data.skip(20), epochs=1, verbose=0)
    return {"variant": "baseline", "threads": threads, "steps": steps,
            "cpu_per_step": (time.process_time() - cpu) / steps}


def time_side_by_side(variants, cpu_per_chunk, rounds, threads):
    """CPU-seconds per generator step of every variant, measured in one process and interleaved (round r times
    each variant in turn), so that machine load falls on all of them alike; the median over rounds is kept."""
    import utils

    models = {}
    for variant in variants:
        gan, s = build(variant, 0)
        x, _ = utils.load_mnist("train", scale="[-1,1]", subset=20 * s["batch"])
        data = utils.make_dataset(x, batch_size=s["batch"], seed=0, drop_remainder=True).repeat()
        cpu = time.process_time()
        gan.fit(data, epochs=1, steps_per_epoch=5, verbose=0)  # tracing
        gan.fit(data, epochs=1, steps_per_epoch=5, verbose=0)  # a first estimate of the step's cost
        estimate = (time.process_time() - cpu) / 10
        models[variant] = (gan, data, max(5, int(cpu_per_chunk / estimate)), [])
    for _ in range(rounds):
        for gan, data, steps, costs in models.values():
            cpu = time.process_time()
            gan.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
            costs.append((time.process_time() - cpu) / steps)
    return [{"variant": variant, "threads": threads, "steps": steps, "rounds": rounds, "side_by_side": True,
             "cpu_per_step": float(np.median(costs)), "cpu_per_step_rounds": costs}
            for variant, (_, _, steps, costs) in models.items()]


def rescale_to_held_out_floor(results):
    """Runs made before session 17 divided by the floor of *training* images; put every ratio on today's held-out
    floor (utils.evaluation.real_fd_floor), so that all rows compare."""
    from utils import evaluation

    floors = {src: {n: evaluation.real_fd_floor(n, 0, source=src) for n in (CURVE_N, EVAL_N)}
              for src in ("held_out", "train")}
    for r in results["runs"]:
        src = next(s for s, f in floors.items() if np.isclose(r["fd_floor"], f[EVAL_N], rtol=1e-9))
        r["fd_floor"], r["fd_ratio"] = floors["held_out"][EVAL_N], r["fd"] / floors["held_out"][EVAL_N]
        for c in r["curve"]:
            n = c.get("n", CURVE_N)
            c["fd_ratio"] *= floors[src][n] / floors["held_out"][n]
    return results


def table(results):
    lines = []
    for t in results.get("timings", []):
        how = f"side by side, median of {t['rounds']} rounds of" if t.get("side_by_side") else "alone,"
        lines.append(f"timing: {t['variant']} at {t['threads']} thread(s): {1000 * t['cpu_per_step']:.1f} CPU-ms "
                     f"per generator step ({how} {t['steps']} steps)")
    for phase in ("screen", "final", "long"):
        runs = [r for r in results["runs"] if r["phase"] == phase]
        if not runs:
            continue
        lines.append(f"\n{phase}: {len(runs)} runs (mean +- std over seeds; FD and P/R at n = {EVAL_N:,})")
        lines.append(f"{'variant':18s} {'seeds':>5s} {'CPU-s':>6s} {'G steps':>8s} {'ms/step':>7s} {'FD/floor':>13s} "
                     f"{'score':>11s} {'precision':>9s} {'recall':>6s}")
        by_variant = {}
        for r in runs:
            by_variant.setdefault(r["variant"], []).append(r)
        for variant, rs in sorted(by_variant.items(), key=lambda kv: np.mean([r["fd_ratio"] for r in kv[1]])):
            def ms(key, fmt, rs=rs):
                v = np.array([r[key] for r in rs])
                return f"{v.mean():{fmt}}" + (f"±{v.std(ddof=1):{fmt}}" if len(v) > 1 else "")
            lines.append(f"{variant:18s} {len(rs):5d} {np.mean([r['train_cpu_s'] for r in rs]):6.0f} "
                         f"{np.mean([r['g_steps'] for r in rs]):8.0f} "
                         f"{1000 * np.mean([r['cpu_per_step'] for r in rs]):7.1f} {ms('fd_ratio', '.1f'):>13s} "
                         f"{ms('inception_score', '.2f'):>11s} {ms('precision', '.3f'):>9s} {ms('recall', '.3f'):>6s}")
    for r in results["runs"]:
        if r["phase"] == "long" and r["curve"]:
            lines.append(f"\nlong run of {r['variant']} (seed {r['seed']}): FD/floor and score against training CPU-s")
            for c in r["curve"]:
                met = c["fd_ratio"] <= TARGET_RATIO and c["inception_score"] >= TARGET_SCORE
                lines.append(f"  {c['cpu_s']:6.0f} CPU-s {c['g_steps']:6d} steps  FD/floor {c['fd_ratio']:6.1f} "
                             f"(n = {c.get('n', CURVE_N):,})  score {c['inception_score']:.2f}"
                             + ("  target met" if met else ""))
    return "\n".join(lines)


def main(argv=None):
    global RESULTS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=("screen", "final", "long", "all"), default="all")
    parser.add_argument("--budget", type=float, default=600.0, help="training CPU-s of a final run")
    parser.add_argument("--screen-budget", type=float, default=150.0, help="training CPU-s of a screening run")
    parser.add_argument("--seeds", type=int, default=2, help="seeds per final variant (0, 1, ...)")
    parser.add_argument("--keep", type=int, default=4, help="screened variants that go to the final phase")
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), help="run only these")
    parser.add_argument("--every", type=float, default=100.0, help="CPU-s between checkpoint evaluations (0: none)")
    parser.add_argument("--threads", type=int, default=1, help="TensorFlow intra- and inter-op threads")
    parser.add_argument("--time-steps", type=int, metavar="N", help="only measure CPU-s per step over N steps")
    parser.add_argument("--time-all", type=float, metavar="CPU_S",
                        help="only measure every variant's CPU-s per step side by side, CPU_S per variant and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --time-all (the median is kept)")
    parser.add_argument("--table", action="store_true", help="only print the tables from the results file")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the results file (JSON)")
    args = parser.parse_args(argv)
    RESULTS = args.results
    for name in ("budget", "screen_budget"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if args.seeds < 1 or args.keep < 1 or args.threads < 1 or args.rounds < 1 or args.every < 0:
        parser.error("--seeds, --keep, --threads and --rounds must be >= 1 and --every >= 0")
    if args.table:
        print(table(rescale_to_held_out_floor(load())))
        return
    import tensorflow as tf  # threads must be set before TensorFlow starts its runtime (utils imports it)

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    sys.path.insert(0, str(REPO))
    SCRATCH.mkdir(parents=True, exist_ok=True)
    results = load()
    if args.time_all:
        timings = time_side_by_side(args.variants or list(VARIANTS), args.time_all, args.rounds, args.threads)
        results = load()
        results["timings"] = [t for t in results.get("timings", []) if not t.get("side_by_side")] + timings
        save(results)
        print(table({"timings": timings, "runs": []}))
        return
    if args.time_steps:
        timing = time_steps(args.time_steps, args.threads)
        results.setdefault("timings", []).append(timing)
        save(results)
        print(table({"timings": [timing], "runs": []}))
        return
    for phase in ("screen", "final", "long") if args.phase == "all" else (args.phase,):
        for variant, seed, budget in plan(phase, results, args):
            if done(results, phase, variant, seed, budget):
                continue
            print(f"{time.strftime('%H:%M:%S')} {phase}: {variant}, seed {seed}, {budget:.0f} CPU-s", flush=True)
            record = run(variant, seed, budget, args.every, args.threads, phase)
            results = load()  # re-read: keep anything written meanwhile, then add this run
            results["runs"].append(record)
            save(results)
            print(f"  FD/floor {record['fd_ratio']:.1f}, score {record['inception_score']:.2f}, "
                  f"{record['g_steps']} G steps in {record['train_cpu_s']:.0f} CPU-s", flush=True)
    print(table(load()))


if __name__ == "__main__":
    main()
