"""Shared code of the course "Autoencoders and GANs, from theory to Keras".

Only what two or more notebooks use lives here; what a notebook teaches stays in the notebook.
Importing ``utils`` starts TensorFlow quietly and applies the course's figure style.
"""

import warnings

from utils.runtime import device_report, import_tensorflow, set_seed, tensorflow_startup_log

import_tensorflow()  # before anything else imports it, so its start-up chatter stays out of notebooks

from utils import checks, evaluation  # noqa: E402  (modules: utils.checks.check, utils.evaluation.evaluate_images)
from utils.data import (  # noqa: E402
    SCALES,
    binarize_sample,
    binarized_batches,
    load_mnist,
    make_dataset,
    map_per_step,
    mnist_dataset,
)
from utils.gan import (  # noqa: E402
    CONDITIONAL_GAN,
    GAN,
    WGANGP,
    SampleSnapshots,
    conditional_gan,
    dcgan_discriminator,
    dcgan_generator,
    mlp_discriminator,
    mlp_generator,
)
from utils.models import (  # noqa: E402
    VAE,
    autoencoder,
    build_vae,
    conv_decoder,
    conv_encoder,
    dense_decoder,
    dense_encoder,
    importance_weighted_bound,
    layer_table,
    negative_elbo,
)
from utils.parameters import check_parameters  # noqa: E402
from utils.paths import REPO_ROOT, display_path, figures_dir, is_scratch_run, output_dir, results_path  # noqa: E402
from utils.plotting import (  # noqa: E402
    compare_images,
    image_grid,
    latent_scatter,
    mosaic,
    plot_history,
    save_figure,
    use_course_style,
)
from utils.results import Results, load_results, results_table  # noqa: E402
from utils.training import CpuTimer, EpochTimer, EvaluateEvery  # noqa: E402
from utils.validation import check_array, check_param  # noqa: E402

use_course_style()
if is_scratch_run():  # a learner's run: say where its outputs go (the reproduce command and the tests set them)
    print(f"Figures and results of this run go to {display_path(output_dir())}/; only `make reproduce` writes "
          "the committed figures/ and results/.")
# Keras warns that fit's shuffle=True is ignored for a tf.data.Dataset; the course's pipelines shuffle
# themselves (make_dataset), so the warning would only clutter every training cell.
warnings.filterwarnings("ignore", message=r"`shuffle=True` was passed, but will be ignored")

__all__ = [
    "binarize_sample", "binarized_batches", "CpuTimer", "EpochTimer", "EvaluateEvery", "importance_weighted_bound",
    "layer_table", "map_per_step", "mosaic", "negative_elbo",
    "autoencoder", "build_vae", "check_array", "check_param", "check_parameters", "checks", "compare_images",
    "CONDITIONAL_GAN", "conditional_gan", "conv_decoder", "conv_encoder", "dcgan_discriminator", "dcgan_generator",
    "dense_decoder", "dense_encoder",
    "device_report", "display_path", "evaluation", "figures_dir", "GAN", "image_grid", "import_tensorflow",
    "is_scratch_run", "latent_scatter", "load_mnist", "load_results", "make_dataset", "mlp_discriminator",
    "mlp_generator", "mnist_dataset", "output_dir", "plot_history", "REPO_ROOT", "Results", "results_path",
    "results_table", "SampleSnapshots", "save_figure", "SCALES", "set_seed", "tensorflow_startup_log",
    "use_course_style", "VAE", "WGANGP",
]
