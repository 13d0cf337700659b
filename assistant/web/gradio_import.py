"""Gradio's import without its type-stub writer: about half of its import, a third of the web chat's start.

Every Gradio component class, as it is created, has `gradio.component_meta.create_or_modify_pyi`
parse its module's source and its `.pyi` stub and rewrite the stub when they differ: a step for
people writing components, done at every import. Here (Gradio 6.31, 2 cores) it is 1.6-1.9 s of
Gradio's 3.3-4.2 s import, which is most of `assistant serve`'s start. The installed package ships
its stubs, and this project defines no components, so the step is skipped: when Python loads
`gradio.component_meta`, the function is replaced by one that does nothing. Should a Gradio version
drop the function, nothing is replaced and Gradio imports as it always did.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

MODULE = "gradio.component_meta"
FUNCTION = "create_or_modify_pyi"


def skip_stub_writer() -> None:
    """Arrange for Gradio's stub writer to be skipped at Gradio's import (a no-op once it is imported)."""
    if "gradio" in sys.modules or any(isinstance(f, _StubWriterSkipper) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _StubWriterSkipper())


def _write_no_stub(*_args: object, **_kwargs: object) -> None:
    """Stands in for gradio.component_meta.create_or_modify_pyi."""


class _StubWriterSkipper(importlib.abc.MetaPathFinder):
    """Finds gradio.component_meta the usual way (then leaves sys.meta_path) and wraps its loader."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            if callable(getattr(module, FUNCTION, None)):
                setattr(module, FUNCTION, _write_no_stub)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec
