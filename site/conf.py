"""Sphinx configuration of the course website. Build it with `make site` (site/build.py), not sphinx-build:
build.py stages the pages and the committed notebooks into build/site_src first.

Notebooks are rendered from their committed outputs (MyST-NB with execution off). Math is typeset by the
MathJax 2 copy that the jupyter-server-mathjax package ships, served with the site, so pages need no internet.
"""

import os
import posixpath
import shutil
from pathlib import Path

import jupyter_server_mathjax
from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

# The one setting for links to a hosted copy of the repository: empty (the default) means no repository,
# "Open in Colab" or "Launch Binder" buttons; e.g. COURSE_REPOSITORY_URL=https://github.com/OWNER/REPO.
REPOSITORY_URL = os.environ.get("COURSE_REPOSITORY_URL", "").strip().rstrip("/")
REPOSITORY_BRANCH = "main"

REPOSITORY = Path(__file__).resolve().parent.parent
# Pages that live in site/ (and so in site/ of the repository); everything else keeps its repository path.
SITE_PAGES = {path.stem for path in Path(__file__).parent.glob("*.md")}

project = "Autoencoders and GANs, from theory to Keras"
author = "the course authors"
copyright = "the course authors (MIT licence; MNIST: CC BY-SA 3.0, Yann LeCun and Corinna Cortes)"

extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["_extra"]

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3  # README-style links to #sections resolve
nb_execution_mode = "off"  # render the committed outputs; never execute
nb_merge_streams = True  # consecutive prints show as one output block, as in JupyterLab

html_theme = "sphinx_book_theme"
html_title = "Autoencoders and GANs"
html_extra_path = []  # set to the staged _extra folder (README's raw-HTML images) by use_staged_extra below
html_last_updated_fmt = None
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_scaled_image_link = False  # a sized image is not a link to itself
html_copy_source = True  # the notebook download button serves the committed .ipynb from _sources/

html_theme_options = {
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
}
if REPOSITORY_URL:
    html_theme_options |= {
        "repository_url": REPOSITORY_URL,
        "repository_branch": REPOSITORY_BRANCH,
        "path_to_docs": "",
        "use_repository_button": True,
        "use_source_button": True,
        "launch_buttons": {
            "notebook_interface": "jupyterlab",
            "binderhub_url": "https://mybinder.org",
            "colab_url": "https://colab.research.google.com",
        },
    }

# MathJax 2 from the pinned package, copied into _static/mathjax by copy_mathjax below. It only ships the
# STIX-Web fonts, and Sphinx marks math with \( \) and \[ \] inside elements of class "math".
MATHJAX_SOURCE = Path(jupyter_server_mathjax.__file__).parent / "static"
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processClass": "math",
        "processEscapes": False,
    },
    "HTML-CSS": {"availableFonts": [], "webFont": "STIX-Web", "imageFont": None, "preferredFont": None},
    "showMathMenu": False,
    "messageStyle": "none",  # no "Loading..." boxes
    "fast-preview": {"disabled": True},  # its preview asks for TeX fonts the package does not ship
}


class RepositoryLinks(SphinxPostTransform):
    """Links to repository files that are not pages of the site (README's `figures/`, `data/classifier/`,
    `results/results.json`) point at the hosted repository when REPOSITORY_URL is set, else stay as plain text.
    Links to anything that exists nowhere are left to MyST, which reports them (and -W fails the build)."""

    default_priority = 5  # before MyST's resolver (9), which would report them as missing

    def run(self, **kwargs):
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node["reftype"] != "myst" or "://" in node["reftarget"]:
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(node["refdoc"]), node["reftarget"]))
            if self.env.path2doc(str(Path(self.env.srcdir) / path)) or not (REPOSITORY / path).exists():
                continue
            if REPOSITORY_URL:
                link = nodes.reference("", "", refuri=f"{REPOSITORY_URL}/tree/{REPOSITORY_BRANCH}/{path}")
                link += node[0].deepcopy()
                node.replace_self(link)
            else:
                node.replace_self(node[0].deepcopy())


def use_staged_extra(app, config):
    config.html_extra_path = [str(Path(app.srcdir) / "_extra")]


def copy_mathjax(app, exception):
    if exception is None and app.builder.format == "html":
        shutil.copytree(MATHJAX_SOURCE, Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def point_source_links_at_site(app, pagename, templatename, context, doctree):
    """The book theme builds "show source" links from one folder; the landing and chapter pages live in site/."""
    context["doc_path"] = "site" if pagename in SITE_PAGES else ""


def setup(app):
    app.add_post_transform(RepositoryLinks)
    app.connect("config-inited", use_staged_extra)
    app.connect("build-finished", copy_mathjax)
    app.connect("html-page-context", point_source_links_at_site, priority=400)
