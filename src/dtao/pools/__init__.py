"""Pure pool math, one module per era: integers in (rao, alpha-rao) in, integers out.

* :mod:`dtao.pools.constant_product` — the launch pool (R1, x·y = k in I110F18).
* :mod:`dtao.pools.balancer` — the HEAD weighted pool (R5.2+, Perquintill weights, U64F64).

No state, no fees charged by the staking layer: callers own reserves and apply the results.
"""
