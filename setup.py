"""Build of the optional compiled exact kernels (``dtao._exact``: the coinbase lanes and the balancer's fee-free swap, plain C, no headers
beyond Python's). ``optional=True``: without a C compiler the install still succeeds and the
coinbase runs on its reference (:mod:`dtao.coinbase_current_fast`)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "dtao._exact",
            ["src/dtao/_exact.c"],
            extra_compile_args=["-O2", "-ffp-contract=off"],  # no fused multiply-add
            optional=True,
        )
    ]
)
