"""Import ModelOpt's recipe loader without torch.

The recipe loader (modelopt.recipe, modelopt.torch.opt.config_loader,
modelopt.torch.quantization.config) is pure pydantic/PyYAML/OmegaConf code, but the
package __init__ files of modelopt.torch.* pull in torch, CUDA extensions and the whole
quantization runtime. We therefore:
  1. register an import hook that serves `torch` and every `torch.*` submodule as an
     inert placeholder module (attributes are placeholder classes; calling them is a no-op);
  2. pre-register the intermediate packages (modelopt.torch, .opt, .utils, .quantization,
     .speculative, ...) as empty package shells pointing at the real directories, so only
     the submodules the loader needs are executed, never the heavy __init__ files.
Import this module before anything from modelopt.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from pathlib import Path


class _PlaceholderMeta(type):
    """Metaclass: any attribute of a placeholder class is another placeholder class."""

    def __getattr__(cls, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _placeholder(f"{cls.__name__}.{name}")

    def __call__(cls, *args, **kwargs):
        return cls  # torch.serialization.add_safe_globals([...]) and similar calls do nothing


def _placeholder(name):
    return _PlaceholderMeta(name, (), {})


class _FakeTorchModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = _placeholder(f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


class _FakeTorchFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == "torch" or fullname.startswith("torch."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _FakeTorchModule(spec.name)
        module.__path__ = []
        module.__version__ = "2.8.0"
        return module

    def exec_module(self, module):
        pass


_SHELL_PACKAGES = [
    "modelopt.torch",
    "modelopt.torch.opt",
    "modelopt.torch.utils",
    "modelopt.torch.quantization",
    "modelopt.torch.speculative",
    "modelopt.torch.speculative.eagle",
    "modelopt.torch.speculative.dflash",
    "modelopt.torch.speculative.plugins",
]


def install():
    if any(isinstance(f, _FakeTorchFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _FakeTorchFinder())
    import modelopt  # the top-level __init__ only reads the package version

    root = Path(modelopt.__file__).parent
    for name in _SHELL_PACKAGES:
        shell = types.ModuleType(name)
        shell.__path__ = [str(root.joinpath(*name.split(".")[1:]))]
        shell.__package__ = name
        sys.modules[name] = shell
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, shell)


install()
