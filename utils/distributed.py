"""Training the course's GAN on TensorFlow's distribution engine with several worker processes on one machine.

Notebook 32 teaches it and ``tests/test_distributed.py`` runs it. ``run_workers`` starts ``n`` Python processes
on 127.0.0.1, each with its own ``TF_CONFIG`` (the cluster's addresses and this worker's index), waits for them
with a timeout and returns what each reports. Each process runs ``train_worker``: a
``tf.distribute.MultiWorkerMirroredStrategy`` (TensorFlow's collective all-reduce engine: no gradient exchange
is written here), ``ReplicaGAN`` (``utils.GAN`` with noise that differs between replicas) built in the strategy's
scope, and a ``strategy.run`` training loop, because
Keras 3's ``fit`` does not support this strategy (keras-team/keras issue 20585; ``mode="fit"`` or
``"fit_then_loop"`` reports the error it raises).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from utils.gan import GAN
from utils.validation import check_param

REPO_ROOT = Path(__file__).resolve().parent.parent

# What train_worker accepts, with its defaults: a few hundred images and a few steps unless told otherwise.
DEFAULTS = {
    "mode": "loop",  # "loop": the strategy.run training loop; "fit": keras.Model.fit, reporting its error;
    # "fit_then_loop": try fit first, report its error, then train with the loop (one start-up for both)
    "networks": "mlp",  # "mlp": utils.mlp_generator/discriminator; "dcgan": utils.dcgan_generator/discriminator
    "latent_dim": 32,
    "hidden": [64],  # the MLP's hidden widths (utils.mlp_generator/discriminator; the generator's order)
    "width": 16,  # the DCGAN's width
    "n_images": 512,
    "global_batch": 64,
    "steps": 20,
    "log_every": 5,
    "learning_rate": 2e-4,
    "seed": 0,  # initial weights, noise and data order
    "data_seed": -1,  # which n_images training images (load_mnist's subset seed); -1: the same as seed
    "threads": 1,  # TensorFlow threads per worker process
    "save_to": "",  # a folder: the chief (worker 0) saves the generator's weights there as generator.weights.h5
}

# utils.GAN's cross-entropy losses come out of keras.losses, which divide them by the number of replicas inside a
# strategy (so that summing the replicas' gradients gives the gradient of the global mean); its trackers keep
# those scaled values. train_worker multiplies them back to report losses per image.
SCALED_LOSSES = ("d_loss", "g_loss")


class ReplicaGAN(GAN):
    """``utils.GAN`` whose noise differs between the replicas of a ``tf.distribute`` strategy.

    ``utils.GAN`` draws z from a ``keras.random.SeedGenerator``; under a strategy its state is mirrored, so every
    replica draws the same z and generates the same fakes. Here the replica's number is added to the first half
    of the seed (the second half counts the draws), so replica r draws from its own stream; replica 0, and a run
    without a strategy, draw exactly what ``utils.GAN`` draws.
    """

    def _noise(self, n):
        import tensorflow as tf

        seed = self.seed_generator.next()  # int64 (seed, draw number), the same on every replica
        context = tf.distribute.get_replica_context()
        replica = 0 if context is None else context.replica_id_in_sync_group
        return tf.random.stateless_normal((n, self.latent_dim), seed=self.replica_seed(seed, replica))

    @staticmethod
    def replica_seed(seed, replica):
        """The stateless seed from which ``replica`` draws, given the shared int64 ``(seed, draw number)`` pair."""
        import tensorflow as tf

        seed = seed + tf.cast(tf.stack([replica * 1_000_003, 0]), seed.dtype)
        return tf.cast(tf.math.floormod(seed, tf.int32.max - 1), tf.int32)  # as keras.random does on TensorFlow


def free_ports(n):
    """``n`` TCP ports on 127.0.0.1 that were free a moment ago (the OS picks them; a small race remains)."""
    check_param("n", n, kind=int, low=1, high=64)
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tf_config(ports, index):
    """The ``TF_CONFIG`` dict of worker ``index`` in a cluster of workers listening on 127.0.0.1 at ``ports``."""
    if not isinstance(ports, (list, tuple)) or not ports:
        raise TypeError(f"ports must be a non-empty list of port numbers, got {ports!r}")
    check_param("index", index, kind=int, low=0, high=len(ports) - 1)
    return {"cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
            "task": {"type": "worker", "index": index}}


def weights_digest(model):
    """A short SHA-256 of a model's weights, equal on two processes only if every weight is bit-identical."""
    digest = hashlib.sha256()
    for w in model.get_weights():
        digest.update(w.tobytes())
    return digest.hexdigest()[:16]


def train_worker(config):
    """What one worker process runs. All workers must be started with the same ``config`` (only ``TF_CONFIG``
    differs); returns a JSON-ready dict: task index, replicas, history of the logged metrics, weight digests,
    ``cpu_seconds`` of ``timed_steps`` loop steps (all but the first, which traces; the fit attempt is not
    counted), and with ``mode="fit"`` or ``"fit_then_loop"`` the error fit raised in ``fit_error``
    ("" if fit worked)."""
    import utils  # starts TensorFlow quietly

    tf = utils.import_tensorflow()
    import keras

    tf.config.threading.set_intra_op_parallelism_threads(config["threads"])
    tf.config.threading.set_inter_op_parallelism_threads(config["threads"])
    # Reads TF_CONFIG. On CPUs the collectives run over gRPC with the ring algorithm (NCCL is for GPUs).
    strategy = tf.distribute.MultiWorkerMirroredStrategy(
        communication_options=tf.distribute.experimental.CommunicationOptions(
            implementation=tf.distribute.experimental.CommunicationImplementation.RING))
    task = strategy.cluster_resolver.task_id
    utils.set_seed(config["seed"])  # same seed everywhere; the strategy also copies worker 0's initial weights
    data_seed = config["seed"] if config["data_seed"] == -1 else config["data_seed"]
    images, _ = utils.load_mnist("train", scale="[-1,1]", subset=config["n_images"], seed=data_seed)

    def dataset_fn(context):
        """Each worker reads its own shard and batches it to the per-replica size (global batch / replicas)."""
        per_replica = context.get_per_replica_batch_size(config["global_batch"])
        shard = tf.data.Dataset.from_tensor_slices(images).shard(context.num_input_pipelines,
                                                                 context.input_pipeline_id)
        # Each shard its own shuffle: with one seed for all, the workers' j-th images would always share a batch.
        return (shard.shuffle(len(images), seed=config["seed"] + context.input_pipeline_id).repeat()
                .batch(per_replica, drop_remainder=True).prefetch(2))

    with strategy.scope():  # variables created here are mirrored on every replica of every worker
        if config["networks"] == "dcgan":
            generator = utils.dcgan_generator(config["latent_dim"], config["width"])
            discriminator = utils.dcgan_discriminator(config["width"])
        else:
            generator = utils.mlp_generator(config["latent_dim"], tuple(config["hidden"]))
            discriminator = utils.mlp_discriminator(tuple(reversed(config["hidden"])))
        gan = ReplicaGAN(generator, discriminator, config["latent_dim"], seed=config["seed"])
        gan.build((None, config["latent_dim"]))  # else fit tries to build the wrapper by calling it on images
        gan.compile(keras.optimizers.Adam(config["learning_rate"], beta_1=0.5),
                    keras.optimizers.Adam(config["learning_rate"], beta_1=0.5))
    result = {"task": task, "replicas": strategy.num_replicas_in_sync, "history": [],
              "initial_digest": weights_digest(gan.generator)}
    if config["mode"] in ("fit", "fit_then_loop"):
        before = _training_state(gan)
        result["fit_error"] = _try_fit(gan, strategy.distribute_datasets_from_function(dataset_fn), config["steps"])
        # A failed attempt must leave nothing behind for the loop: weights, optimiser steps and noise state unchanged.
        result["fit_left_state_unchanged"] = _training_state(gan) == before
        if config["mode"] == "fit" or not result["fit_error"]:  # fit trained the model (a fixed Keras): done
            config = {**config, "steps": 0}
    iterator = iter(strategy.distribute_datasets_from_function(dataset_fn))

    @tf.function
    def train_step(iterator):
        # Every replica runs utils.GAN.train_step on its own per-replica batch; the optimisers all-reduce (sum)
        # the gradients over all replicas of all workers before applying them.
        logs = strategy.run(gan.train_step, args=(next(iterator),))
        return {name: strategy.reduce("MEAN", value, axis=None) for name, value in logs.items()}

    # The clock starts after the fit attempt and after the first loop step (which traces the tf.function), so that
    # cpu_seconds counts steady training steps only: timed_steps of them.
    start = None
    for step in range(1, config["steps"] + 1):
        if step == 2 or config["steps"] == 1:
            start = time.process_time()
        logs = train_step(iterator)
        if step % config["log_every"] == 0 or step == config["steps"]:
            replicas = strategy.num_replicas_in_sync
            result["history"].append({"step": step, **{k: float(v) * (replicas if k in SCALED_LOSSES else 1)
                                                       for k, v in logs.items()}})
            for metric in gan.metrics:  # each log is the mean over the steps since the last one
                metric.reset_state()
    result["cpu_seconds"] = 0.0 if start is None else time.process_time() - start
    result["timed_steps"] = config["steps"] - 1 if config["steps"] > 1 else config["steps"]
    if config["save_to"] and task == 0:  # with no "chief" task in TF_CONFIG, worker 0 is the chief: it alone writes
        gan.generator.save_weights(str(Path(config["save_to"]) / "generator.weights.h5"))
    result["generator_digest"] = weights_digest(gan.generator)
    result["discriminator_digest"] = weights_digest(gan.discriminator)
    return result


def _training_state(gan):
    """What a training step changes: both networks' weights, both optimisers' step counts, the noise state."""
    return (weights_digest(gan.generator), weights_digest(gan.discriminator), int(gan.d_optimizer.iterations.numpy()),
            int(gan.g_optimizer.iterations.numpy()), tuple(gan.seed_generator.state.numpy().tolist()))


def _try_fit(gan, dataset, steps):
    """Train with keras.Model.fit; return the error it raises as "Type: message" ("" if it works)."""
    try:
        gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    except Exception as err:  # the error a learner meets is the point of this mode
        return f"{type(err).__name__}: {err}"
    return ""


def run_workers(n_workers=2, *, timeout=120.0, **config):
    """Start ``n_workers`` processes on 127.0.0.1 that train one GAN together; return their reports (one dict per
    worker, ordered by task index, each with ``cpu_seconds`` of its training and ``process_cpu_seconds``, the
    whole process's CPU time including start-up).

    Raises RuntimeError with the end of a worker's output if it fails or the group exceeds ``timeout`` seconds
    (a worker that waits for a missing peer would otherwise wait for ever); every process is stopped first.
    """
    check_param("n_workers", n_workers, kind=int, low=1, high=8)
    check_param("timeout", timeout, kind=float, low=1.0)
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown option(s) {unknown}; the options are {sorted(DEFAULTS)}")
    config = {**DEFAULTS, **config}
    check_param("mode", config["mode"], kind=str, choices=("loop", "fit", "fit_then_loop"))
    check_param("networks", config["networks"], kind=str, choices=("mlp", "dcgan"))
    for name in ("latent_dim", "width", "n_images", "global_batch", "steps", "log_every", "threads"):
        check_param(name, config[name], kind=int, low=1)
    if not isinstance(config["hidden"], (list, tuple)) or not config["hidden"]:
        raise TypeError(f"hidden must be a non-empty list of layer widths, got {config['hidden']!r}")
    config["hidden"] = [check_param("hidden entry", int(w), kind=int, low=1) for w in config["hidden"]]
    check_param("learning_rate", config["learning_rate"], kind=float, low=0.0)
    check_param("seed", config["seed"], kind=int, low=0)
    check_param("data_seed", config["data_seed"], kind=int, low=-1)
    check_param("save_to", config["save_to"], kind=str)
    if config["save_to"] and not Path(config["save_to"]).is_dir():
        raise ValueError(f"save_to must be an existing folder, got {config['save_to']!r}")
    if config["global_batch"] % n_workers:
        raise ValueError(f"global_batch ({config['global_batch']}) must be a multiple of n_workers ({n_workers})")
    if config["n_images"] < config["global_batch"]:
        raise ValueError(f"n_images ({config['n_images']}) must be at least global_batch ({config['global_batch']})")

    ports = free_ports(n_workers)
    with tempfile.TemporaryDirectory(prefix="workers_") as folder:
        procs, outputs, reports = [], [], []
        for index in range(n_workers):
            env = dict(os.environ, TF_CONFIG=json.dumps(tf_config(ports, index)), CUDA_VISIBLE_DEVICES="-1",
                       TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(REPO_ROOT))
            out = open(Path(folder) / f"worker_{index}.log", "w+")
            outputs.append(out)
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "utils.distributed", json.dumps(config), str(Path(folder) / f"{index}.json")],
                cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + timeout
        try:
            for index, proc in enumerate(procs):
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    raise RuntimeError(f"the workers did not finish within {timeout:.0f} s; worker {index} said:\n"
                                       + _tail(outputs[index])) from None
                if proc.returncode:
                    raise RuntimeError(f"worker {index} failed (exit code {proc.returncode}):\n"
                                       + _tail(outputs[index]))
            for index in range(n_workers):
                reports.append(json.loads((Path(folder) / f"{index}.json").read_text()))
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            for out in outputs:
                out.close()
    return sorted(reports, key=lambda r: r["task"])


def _tail(file, lines=25):
    file.flush()
    file.seek(0)
    return "\n".join(file.read().splitlines()[-lines:])


def _main(argv):
    config, out_path = json.loads(argv[1]), argv[2]
    result = train_worker(config)
    result["process_cpu_seconds"] = time.process_time()  # the whole process so far, TensorFlow's start included
    Path(out_path).write_text(json.dumps(result))


if __name__ == "__main__":
    _main(sys.argv)
