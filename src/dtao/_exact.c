/* Compiled exact kernels: the lanes of the summer-2026 / current coinbase twin
 * (dtao.coinbase_current_fast), the launch coinbase twin (dtao.coinbase_fast), the
 * balancer's fee-free protocol swap (dtao.pools.balancer.fee_free_swap_fast), and the epoch's
 * stake credits and launch payout lists (dtao.ledger.credit_stakes_indexed, dtao.epoch).
 *
 * The same integers as the reference (dtao.coinbase_summer, dtao.coinbase_current,
 * dtao.pools.balancer), bit for bit: every U64F64 / U96F32 value is an unsigned 128-bit integer of its raw bits, every
 * product floored, every quotient (a << frac) / b floored, every saturation where the
 * reference has one. Products that can pass 2^128 (a U64F64 price times a U64F64 ratio, the
 * balancer's Perquintill re-fit) are taken through 256- or 192-bit steps below.
 *
 * Range (checked by the Python caller before any call, which otherwise runs the reference):
 * reserves, reservoirs and alpha amounts below 2^62, stored weights in [0.01, 0.99], a
 * block's emission and base emission below 2^31 (then every T, cap and amount below fits a
 * signed 64-bit row). Nothing here touches Python objects but the int64 table the caller
 * owns (rows of lanes, ``INJECT_ROWS`` / ``EMA_ROWS`` / ``FAST_ROWS`` name them) and, for the
 * fast EMA, the dict of fast prices it is given.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <structmember.h>

typedef unsigned __int128 u128;
typedef uint64_t u64;
typedef int64_t i64;

#define ACC 1000000000000000000ULL /* Perquintill one */
#define HALF_ACC (ACC / 2)
#define MIN_W (ACC / 100)
#define MAX_W (ACC - MIN_W)
#define DEFAULT_W (ACC / 2)
#define HALF32 ((u64)1 << 31)
#define ONE64 ((u128)1 << 64)
#define MAX128 (~(u128)0)
#define PHASE_BOUGHT 1 /* lane k's chain buy was fused by the caller: inject, then split */
#define PHASE_HANDED 2 /* lane k's pool step was the reference's: split only */

/* ---- row layout of the injection table (one column per emitting subnet, in netuid order) */
enum {
    R_Y, R_X, R_O, R_W, R_TRES, R_ARES, R_MECH, R_OWNER_ON, R_INIT, R_TEMIT, R_AOUT,
    R_TAO_EMIT, R_ALPHA_EMIT, R_ALPHA_OUT_EMIT, R_EXCESS_TAO, R_FLOW,
    R_OWNER_D, R_SERVER_D, R_VALIDATOR_D, R_ROOT_D, R_DUST_D, R_PROTOCOL_ALPHA,
    R_TAO_IN_B, R_ALPHA_IN_B, R_EXCESS_B, R_EXCESS,
    N_INJECT_ROWS
};
static const char *INJECT_ROW_NAMES[N_INJECT_ROWS] = {
    "tao_in", "alpha_in", "alpha_out", "quote_weight", "tao_reservoir", "alpha_reservoir",
    "mechanism", "owner_cut_enabled", "pool_initialized", "t_emit_bits", "alpha_out_block",
    "tao_in_emission", "alpha_in_emission", "alpha_out_emission", "excess_tao",
    "protocol_flow", "pending_owner_cut", "pending_server", "pending_validator",
    "pending_root_alpha", "alpha_unbacked", "protocol_alpha",
    "tao_in_bits", "alpha_in_bits", "excess_bits", "excess",
};

/* ---- row layout of the EMA / root-proportion table */
enum { E_MECH, E_Y, E_X, E_W, E_MP, E_FIRST, E_O, E_ARES, E_NEW_MP, E_ROOT_PROP, N_EMA_ROWS };
static const char *EMA_ROW_NAMES[N_EMA_ROWS] = {
    "mechanism", "tao_in", "alpha_in", "quote_weight", "moving_price_bits",
    "first_emission_block", "alpha_out", "alpha_reservoir", "new_moving_price_bits",
    "root_prop_bits",
};

/* ---- row layout of the share table (the demand shares, the gate and each lane's T) */
enum { S_MECH, S_MP, S_BURNED, S_ENABLED, S_SHARE_HI, S_SHARE_LO, S_T_EMIT, N_SHARE_ROWS };
static const char *SHARE_ROW_NAMES[N_SHARE_ROWS] = {
    "mechanism", "moving_price_bits", "miner_burned_bits", "emission_enabled", "share_hi",
    "share_lo", "t_emit_bits",
};

/* ---- row layout of the fast-EMA table (dtao.block_fast.update_fast_prices_fast) */
enum { F_MECH, F_Y, F_X, F_W, N_FAST_ROWS };
static const char *FAST_ROW_NAMES[N_FAST_ROWS] = {"mechanism", "tao_in", "alpha_in", "quote_weight"};

/* r += v; 1 on overflow */
static inline int add_overflows(u128 *r, u128 v) {
    *r += v;
    return *r < v;
}

/* min(a * b >> 64, 2^128 - 1): the U64F64 saturating product of two raw values */
static u128 mul_shr64_sat(u128 a, u128 b) {
    u64 a0 = (u64)a, a1 = (u64)(a >> 64), b0 = (u64)b, b1 = (u64)(b >> 64);
    u128 p11 = (u128)a1 * b1;
    if (p11 >> 64) return MAX128;
    u128 r = p11 << 64;
    if (add_overflows(&r, (u128)a0 * b1)) return MAX128;
    if (add_overflows(&r, (u128)a1 * b0)) return MAX128;
    if (add_overflows(&r, ((u128)a0 * b0) >> 64)) return MAX128;
    return r;
}

/* 192-bit unsigned value hi * 2^128 + lo */
typedef struct { u64 hi; u128 lo; } u192;

static inline u192 mul_128_64(u128 a, u64 b) {
    u128 low = (u128)(u64)a * b, high = (u128)(u64)(a >> 64) * b;
    u192 r;
    r.lo = low + (high << 64);
    r.hi = (u64)(high >> 64) + (r.lo < low);
    return r;
}

static inline int cmp192(u192 a, u192 b) {
    if (a.hi != b.hi) return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo) return a.lo < b.lo ? -1 : 1;
    return 0;
}

static inline u192 add192(u192 a, u128 v) {
    a.lo += v;
    a.hi += a.lo < v;
    return a;
}

static inline u192 sub192(u192 a, u128 v) {
    a.hi -= a.lo < v;
    a.lo -= v;
    return a;
}

/* floor(num * ACC / den) for 0 < den and num <= den (a Perquintill ratio, <= ACC): an
 * estimate in long double, then corrected against the exact 192-bit products */
static u64 ratio_perquintill(u128 num, u128 den) {
    long double est = (long double)num / (long double)den * (long double)ACC;
    u64 q = est <= 0 ? 0 : (est >= (long double)ACC ? ACC : (u64)est);
    u192 target = mul_128_64(num, ACC);
    u192 product = mul_128_64(den, q);
    while (cmp192(product, target) > 0) {
        q -= 1;
        product = sub192(product, den);
    }
    for (;;) {
        u192 next = add192(product, den);
        if (cmp192(next, target) > 0) break;
        q += 1;
        product = next;
    }
    return q;
}

/* floor((c * p + HALF_ACC) / ACC) with c < ACC: the product rounded half up to an integer
 * (Perquintill times u128), exact through p = Q * ACC + R */
static inline u128 mul_perquintill_round(u64 c, u128 p) {
    u128 q = p / ACC, r = p % ACC;
    return (u128)c * q + ((u128)c * r + HALF_ACC) / ACC;
}

/* balancer update_weights_for_added_liquidity in range (no u128 clamp binds): 1 and the new
 * quote weight when it stays in [0.01, 0.99], else 0 */
static int reweight(u64 y, u64 x, u64 w, u64 tao, u64 alpha, u64 *weight) {
    u128 q1 = mul_perquintill_round(ACC - w, (u128)y * ((u128)x + alpha));
    u128 q2 = mul_perquintill_round(w, (u128)x * ((u128)y + tao));
    u128 total = q1 + q2;
    u64 out = total ? ratio_perquintill(q2, total) : DEFAULT_W;
    if (out < MIN_W || out > MAX_W) return 0;
    *weight = out;
    return 1;
}

/* dtao.coinbase_summer.alpha_price_bits on read values (U64F64 raw bits) */
static u128 price_bits(i64 mech, u64 y, u64 x, u64 w) {
    if (mech != 1) return ONE64;
    if (x == 0) return 0;
    u128 weight_ratio = ((u128)(ACC - w) << 64) / w;
    u128 reserve_ratio = ((u128)y << 64) / x;
    return mul_shr64_sat(weight_ratio, reserve_ratio);
}

static int table(Py_buffer *view, Py_ssize_t rows, Py_ssize_t n, i64 **out) {
    if (view->len != (Py_ssize_t)(rows * n * (Py_ssize_t)sizeof(i64)) || view->itemsize != 8) {
        PyErr_SetString(PyExc_ValueError, "table: wrong size");
        return 0;
    }
    *out = (i64 *)view->buf;
    return 1;
}

/* ---- the balancer's fee-free swap (dtao.pools.balancer.fee_free_swap_fast) ---------------- */

/* floor(a * b / 2^128) for a, b < 2^128, exact (the 256-bit product's high half) */
static u128 mul_shr128(u128 a, u128 b) {
    u64 a0 = (u64)a, a1 = (u64)(a >> 64), b0 = (u64)b, b1 = (u64)(b >> 64);
    u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1, p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
    u128 mid = (p00 >> 64) + (u64)p01 + (u64)p10; /* < 3 * 2^64: no overflow */
    return p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
}

/* floor(v / d) for a 192-bit v and 0 < d < 2^64 (long division by 64-bit limbs); *rem the
 * remainder when not NULL */
static u192 div192_64(u192 v, u64 d, u64 *rem) {
    u64 limbs[3] = {v.hi, (u64)(v.lo >> 64), (u64)v.lo}, q[3];
    u128 r = 0;
    for (int i = 0; i < 3; i++) {
        u128 cur = (r << 64) | limbs[i];
        q[i] = (u64)(cur / d);
        r = cur % d;
    }
    if (rem) *rem = (u64)r;
    u192 out = {q[0], ((u128)q[1] << 64) | q[2]};
    return out;
}

static inline u64 gcd64(u64 a, u64 b) {
    while (b) {
        u64 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

#define NEAR_BITS 128
#define NEAR_ONE_BITS 8
#define NEAR_ERROR_ULPS ((u64)1 << 16)
#define TEN17 100000000000000000ULL /* 10^34 = TEN17^2: the crate's slack digits */

/* _near_one_power: floor((num/den)^(p/q) * ACC) for num/den in [1 - 2^-8, 1), p/q <= 99, on
 * 2^-128 fixed point, or 0 when undecided (too close to an integer; the caller then asks the
 * Python path). The result is > 0 whenever decided (the power is near 1). */
static u64 near_one_power(u64 num, u64 den, u64 p, u64 q) {
    if ((u128)p > (u128)99 * q) return 0;
    u192 shifted = {den - num, 0}; /* (den - num) << 128 */
    u192 tq = div192_64(shifted, den, NULL);
    if (tq.hi) return 0; /* t < 2^120 in range */
    u128 t = tq.lo;
    u128 log = t, term = t; /* -ln(1 - t) = sum t^n / n */
    u64 n = 1;
    while (term) {
        n += 1;
        term = mul_shr128(term, t);
        log += term / n;
    }
    u192 zq = div192_64(mul_128_64(log, p), q, NULL); /* z = log * p / q */
    if (zq.hi) return 0;
    u128 z = zq.lo;
    if (z == 0) return 0; /* value would be exactly 2^128: not in this kernel's range */
    /* exp(-z) = sum (-z)^n / n!: after the first term value = 2^128 - z < 2^128 */
    u128 value = (u128)0 - z; /* = 2^128 - z (mod 2^128) */
    term = z;
    n = 1;
    while (term) {
        n += 1;
        term = mul_shr128(term, z) / n;
        value = (n & 1) ? value - term : value + term;
    }
    u192 scaled = mul_128_64(value, ACC); /* value * scale */
    /* slack = (scaled + 2^128) / 10^34 + 1 + ULPS * scale */
    u192 plus = scaled;
    plus.hi += 1;
    u192 slack = div192_64(div192_64(plus, TEN17, NULL), TEN17, NULL);
    slack = add192(slack, 1 + (u128)NEAR_ERROR_ULPS * ACC);
    if (cmp192(scaled, slack) < 0) return 0;
    u192 low = scaled, high = scaled;
    /* low = scaled - slack, high = scaled + slack (192-bit) */
    low.hi -= slack.hi + (low.lo < slack.lo);
    low.lo -= slack.lo;
    u128 lo_sum = high.lo + slack.lo;
    high.hi += slack.hi + (lo_sum < high.lo);
    high.lo = lo_sum;
    if (low.hi != high.hi) return 0;
    return low.hi;
}

/* _exp_scaled for a non-negative delta on the fast path: (reserve / (reserve + delta))^(num /
 * den) as U64F64 bits; 1 and *out when decided here, 0 when the Python path must answer (a
 * power other than the unit exponent or a base near 1) */
static int exp_scaled(u64 reserve, u64 delta, u64 num, u64 den, u128 *out) {
    u128 sum = (u128)reserve + delta;
    u64 total = sum > UINT64_MAX ? UINT64_MAX : (u64)sum;
    if (total == 0) {
        *out = 0;
        return 1;
    }
    u64 power;
    if (reserve == 0) {
        power = 0;
    } else if (num == 0) {
        power = ACC;
    } else {
        u64 g = gcd64(num, den), p = num / g, q = den / g;
        if (p == 1 && q == 1) {
            power = (u64)((u128)reserve * ACC / total);
        } else if (p <= 1024 && q <= 1024) {
            return 0; /* the exact root of a small fraction: the Python path */
        } else if (reserve == total) {
            power = ACC;
        } else if (((u128)(total - reserve) << NEAR_ONE_BITS) <= total) {
            power = near_one_power(reserve, total, p, q);
            if (power == 0) return 0;
        } else {
            return 0; /* the decimal evaluation: the Python path */
        }
    }
    u128 result = ((u128)power << 64) / ACC;
    *out = result > ONE64 ? ONE64 : result;
    return 1;
}

enum { SWAP_UNDECIDED = 0, SWAP_OUT = 1, SWAP_REFUSED = 2 };

/* fee_free_swap_fast's answer: SWAP_OUT and *out, SWAP_REFUSED where it answers None, or
 * SWAP_UNDECIDED where its power is left to the Python path */
static int swap_out(u64 y, u64 x, u64 w, u64 amount, u64 min_reserve, int buy, u128 limit,
                    u64 *out) {
    u64 in_reserve = buy ? y : x, out_reserve = buy ? x : y;
    u128 bound = (u128)in_reserve * 1000;
    if (bound > UINT64_MAX) bound = UINT64_MAX;
    if (!(0 < amount && amount <= bound)) return SWAP_REFUSED;
    if (out_reserve < min_reserve || w < MIN_W || w > MAX_W) return SWAP_REFUSED;
    u128 current = price_bits(1, y, x, w);
    if (!(buy ? current < limit : current > limit)) return SWAP_REFUSED;
    u64 base_w = ACC - w;
    u128 e;
    if (!exp_scaled(in_reserve, amount, buy ? w : base_w, buy ? base_w : w, &e))
        return SWAP_UNDECIDED;
    u192 product = mul_128_64(ONE64 - e, out_reserve); /* (out_reserve << 64) * kept >> 64 */
    u128 whole = (product.hi ? MAX128 : product.lo) >> 64;
    u64 paid = whole > UINT64_MAX ? UINT64_MAX : (u64)whole;
    if (!(0 < paid && paid <= out_reserve)) return SWAP_REFUSED;
    u128 sum = (u128)in_reserve + amount;
    u64 grown = sum > UINT64_MAX ? UINT64_MAX : (u64)sum;
    u128 after = buy ? price_bits(1, grown, x - paid, w) : price_bits(1, y - paid, grown, w);
    if (!(buy ? after <= limit : after >= limit)) return SWAP_REFUSED;
    *out = paid;
    return SWAP_OUT;
}

#define ROW(t, r) ((t) + (Py_ssize_t)(r) * n)

/* inject(table, n, k, phase, credit, stake, wr_hi, wr_lo, owner_bits, current, reservoir,
 *        sell_flag, fused, min_reserve, limit_hi, limit_lo) -> (k, credit, stake)
 *
 * Runs the lanes from k on. A lane whose chain buy runs (0 < excess <= credit) buys here when
 * ``fused`` (the era's balancer chain buy, current), its pool is a dynamic one and the swap
 * is decided here (fee_free_swap_fast at the default buy limit ``limit``); otherwise the
 * kernel stops there (its bits in the *_bits / excess rows) and returns k < n for the caller
 * to run that lane's pool step. Phase 0 starts lane k at its terms; PHASE_BOUGHT resumes it
 * after the caller's chain buy (the injection, then the split), PHASE_HANDED after the era's
 * reference pool step the caller ran (the split only). k = n: every lane is done. */
static PyObject *inject(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t n, k;
    int phase, current, reservoir, sell_flag, fused;
    long long credit;
    unsigned long long stake, wr_hi, wr_lo, owner_bits, min_reserve, limit_hi, limit_lo;
    if (!PyArg_ParseTuple(args, "w*nniLKKKKppppKKK", &view, &n, &k, &phase, &credit, &stake,
                          &wr_hi, &wr_lo, &owner_bits, &current, &reservoir, &sell_flag, &fused,
                          &min_reserve, &limit_hi, &limit_lo))
        return NULL;
    i64 *t;
    if (!table(&view, N_INJECT_ROWS, n, &t)) {
        PyBuffer_Release(&view);
        return NULL;
    }
    u128 buy_limit = ((u128)limit_hi << 64) | limit_lo;
    u128 weighted_root = ((u128)wr_hi << 64) | wr_lo;
    u128 root_num = weighted_root << 32;
    i64 *Y = ROW(t, R_Y), *X = ROW(t, R_X), *O = ROW(t, R_O), *W = ROW(t, R_W);
    i64 *TRES = ROW(t, R_TRES), *ARES = ROW(t, R_ARES);
    for (; k < n; k++, phase = 0) {
        u64 alpha_out = (u64)ROW(t, R_AOUT)[k];
        u128 tao_in_b, alpha_in_b;
        if (phase == 0) {
            /* terms (get_subnet_terms), on this subnet's reserves before its pool step */
            u128 price = price_bits(ROW(t, R_MECH)[k], Y[k], X[k], W[k]) >> 32;
            u128 t_emit = (u64)ROW(t, R_TEMIT)[k];
            u128 issuance = (u128)(u64)X[k] + (u64)O[k] + (u64)ARES[k];
            u128 rp = (weighted_root || issuance) ? root_num / (weighted_root + (issuance << 32))
                                                  : 0;
            u128 cap = rp * alpha_out;
            alpha_in_b = price ? (t_emit << 32) / price : 0;
            tao_in_b = t_emit;
            if (alpha_in_b > cap) {
                alpha_in_b = cap;
                tao_in_b = cap * price >> 32; /* < T: cap * price < T << 32 here */
            }
            u128 excess_b = t_emit - tao_in_b;
            i64 excess = (i64)(excess_b >> 32);
            if (0 < excess && excess <= credit) { /* a chain buy */
                i64 *init = ROW(t, R_INIT);
                u64 alpha = 0;
                int answer = SWAP_UNDECIDED;
                if (fused && ROW(t, R_MECH)[k] == 1) {
                    u64 weight = init[k] ? (u64)W[k] : DEFAULT_W;
                    answer = swap_out(Y[k], X[k], weight, excess, min_reserve, 1, buy_limit, &alpha);
                }
                if (answer != SWAP_OUT) { /* the caller's: the Python swap, or the reference */
                    ROW(t, R_TAO_IN_B)[k] = (i64)tao_in_b;
                    ROW(t, R_ALPHA_IN_B)[k] = (i64)alpha_in_b;
                    ROW(t, R_EXCESS_B)[k] = (i64)excess_b;
                    ROW(t, R_EXCESS)[k] = excess;
                    break;
                }
                /* write_buy + chain_buy_first's records, on the lane */
                credit -= excess;
                u64 sum = stake + (u64)excess;
                stake = sum < stake ? UINT64_MAX : sum;
                if (!init[k]) { /* _mark_initialised: w2 = 0.5 before the reserves move */
                    W[k] = DEFAULT_W;
                    init[k] = 1;
                }
                X[k] -= (i64)alpha;
                O[k] += (i64)alpha;
                Y[k] += excess;
                ROW(t, R_PROTOCOL_ALPHA)[k] = (i64)alpha;
                ROW(t, R_EXCESS_TAO)[k] = excess;
                ROW(t, R_FLOW)[k] = excess;
            }
        } else {
            tao_in_b = (u64)ROW(t, R_TAO_IN_B)[k];
            alpha_in_b = (u64)ROW(t, R_ALPHA_IN_B)[k];
        }
        if (phase != PHASE_HANDED) { /* the injection (after a fused chain buy: its rest) */
            i64 tao_in = (i64)(tao_in_b >> 32), alpha_in = (i64)(alpha_in_b >> 32);
            int accepted;
            u64 weight;
            if (current) {
                if (tao_in > credit) tao_in = 0;
                credit -= tao_in;
                if (reservoir) {
                    i64 pending_t = TRES[k] + tao_in, pending_a = ARES[k] + alpha_in;
                    tao_in = alpha_in = 0; /* what becomes price-active */
                    if (pending_t || pending_a) {
                        int ok = reweight(Y[k], X[k], W[k], pending_t, pending_a, &weight);
                        if (ok) {
                            tao_in = pending_t;
                            alpha_in = pending_a;
                        } else if (pending_a && reweight(Y[k], X[k], W[k], 0, pending_a, &weight)) {
                            ok = 1;
                            alpha_in = pending_a;
                        } else if (pending_t && reweight(Y[k], X[k], W[k], pending_t, 0, &weight)) {
                            ok = 1;
                            tao_in = pending_t;
                        }
                        if (ok) W[k] = (i64)weight;
                    }
                    TRES[k] = pending_t - tao_in;
                    ARES[k] = pending_a - alpha_in;
                } else if (reweight(Y[k], X[k], W[k], tao_in, alpha_in, &weight)) {
                    W[k] = (i64)weight;
                } else {
                    credit += tao_in;
                    tao_in = alpha_in = 0;
                }
                accepted = tao_in > 0;
            } else { /* summer: re-weight, then the injection paid from the credit */
                if (reweight(Y[k], X[k], W[k], tao_in, alpha_in, &weight)) {
                    W[k] = (i64)weight;
                } else {
                    tao_in = alpha_in = 0;
                }
                accepted = 0 < tao_in && tao_in <= credit;
                if (accepted) credit -= tao_in;
            }
            ROW(t, R_ALPHA_EMIT)[k] = alpha_in;
            X[k] += alpha_in;
            if (accepted) {
                ROW(t, R_TAO_EMIT)[k] = tao_in;
                Y[k] += tao_in;
                u64 sum = stake + (u64)tao_in;
                stake = sum < stake ? UINT64_MAX : sum;
                ROW(t, R_FLOW)[k] += tao_in;
            }
        }
        /* the alpha split (emit_to_subnets step 3), after this subnet's pool step */
        ROW(t, R_ALPHA_OUT_EMIT)[k] = (i64)alpha_out;
        O[k] += (i64)alpha_out;
        u128 total = weighted_root + (((u128)(u64)X[k] + (u64)O[k] + (u64)ARES[k]) << 32);
        u128 rp = total ? root_num / total : 0;
        u128 emitted = (u128)alpha_out << 32;
        u128 owner = ROW(t, R_OWNER_ON)[k] ? emitted * owner_bits >> 32 : 0;
        u128 remaining = emitted - owner;
        u128 root = (rp * remaining >> 32) * HALF32 >> 32;
        u128 server = remaining * HALF32 >> 32;
        u128 validator = remaining - server - root;
        i64 owner_r = (i64)(owner >> 32), server_r = (i64)(server >> 32);
        i64 validator_r = (i64)(validator >> 32), root_r = (i64)(root >> 32);
        ROW(t, R_OWNER_D)[k] = owner_r;
        ROW(t, R_SERVER_D)[k] = server_r;
        ROW(t, R_VALIDATOR_D)[k] = validator_r;
        if (sell_flag) {
            ROW(t, R_ROOT_D)[k] = root_r;
        } else { /* recycle_subnet_alpha */
            O[k] -= root_r < O[k] ? root_r : O[k];
        }
        ROW(t, R_DUST_D)[k] = (i64)alpha_out - owner_r - server_r - validator_r - root_r;
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("nLK", k, credit, stake);
}

/* ema_root_prop(table, n, block, halving, alpha_hi, alpha_lo, wr_hi, wr_lo) -> bool
 *
 * dtao.coinbase_summer.update_prices_and_root_prop per lane: the new moving price (its stored
 * I32F32 bits) and the root proportion (U96F32 bits) into their rows. False, with nothing
 * the caller keeps, when a new moving price would not fit its row (the caller then runs the
 * reference). */
static PyObject *ema_root_prop(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t n;
    long long block, halving;
    unsigned long long alpha_hi, alpha_lo, wr_hi, wr_lo;
    if (!PyArg_ParseTuple(args, "w*nLLKKKK", &view, &n, &block, &halving, &alpha_hi, &alpha_lo,
                          &wr_hi, &wr_lo))
        return NULL;
    i64 *t;
    if (!table(&view, N_EMA_ROWS, n, &t)) {
        PyBuffer_Release(&view);
        return NULL;
    }
    u128 moving_alpha = ((u128)alpha_hi << 64) | alpha_lo;
    u128 weighted_root = ((u128)wr_hi << 64) | wr_lo;
    u128 root_num = weighted_root << 32;
    int fits = 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        i64 mech = ROW(t, E_MECH)[k];
        i64 stored = ROW(t, E_MP)[k];
        u128 moving = mech == 1 ? (u128)(stored > 0 ? stored : 0) << 32 : ONE64;
        i64 first = ROW(t, E_FIRST)[k] - 1;
        i64 since = block - (first > 0 ? first : 0);
        if (since < 0) since = 0;
        u128 span = (u128)since + (u128)halving;
        u128 ratio = span ? ((u128)since << 64) / span : 0;
        u128 alpha = mul_shr64_sat(moving_alpha, ratio);
        u128 keep = alpha < ONE64 ? ONE64 - alpha : 0;
        u128 observed = price_bits(mech, ROW(t, E_Y)[k], ROW(t, E_X)[k], ROW(t, E_W)[k]);
        if (observed > ONE64) observed = ONE64;
        u128 part1 = mul_shr64_sat(alpha, observed), part2 = mul_shr64_sat(keep, moving);
        u128 value = part1 + part2;
        if (value < part1 || (value >> 32) > (u128)INT64_MAX) {
            fits = 0;
            break;
        }
        ROW(t, E_NEW_MP)[k] = (i64)(value >> 32);
        u128 total = weighted_root +
                     (((u128)(u64)ROW(t, E_X)[k] + (u64)ROW(t, E_O)[k] + (u64)ROW(t, E_ARES)[k])
                      << 32);
        ROW(t, E_ROOT_PROP)[k] = total ? (i64)(root_num / total) : 0;
    }
    PyBuffer_Release(&view);
    return PyBool_FromLong(fits);
}


/* ---- the emission gate (dtao.coinbase_current_fast: demand shares, gate, block T) -------- */

static PyObject *u128_to_long(u128 v);

#define ONE32 ((i64)1 << 32)
#define TWO33 ((i64)1 << 33)
#define E_RAW ((i64)0x2b7e15000) /* e in I32F32 as the crate holds it (dtao.fixed.E_RAW) */
#define LOG2_E_23 12102203       /* log2 e as I9F23 bits */

/* floor(a * 2^64 / d) for d > 0 and a <= 2^64 into *q: 0; 1 when the quotient passes
 * 2^128 - 1 (then *q is unset); -1 when a > 2^64 (not covered here) */
static int shl64_div(u128 a, u128 d, u128 *q) {
    if (a < ONE64) {
        *q = (a << 64) / d;
        return 0;
    }
    if (a > ONE64) return -1;
    if (d == 1) return 1; /* 2^128 */
    *q = MAX128 / d + (MAX128 % d == d - 1);
    return 0;
}

/* floor(a * b / 2^32) for 0 <= a, b < 2^63; *over past I32F32::MAX, *low when the product's
 * low 32 bits are not zero */
static i64 mul_shr32(i64 a, i64 b, int *over, int *low) {
    u128 p = (u128)(u64)a * (u64)b;
    *low = (u64)p << 32 != 0;
    p >>= 32;
    *over = p > (u128)INT64_MAX;
    return *over ? 0 : (i64)p;
}

/* dtao.gate._log2_at_least_one for 2^32 <= x < 2^63 */
static i64 log2_at_least_one(i64 x) {
    i64 result = 0;
    while (x >= TWO33) {
        result += 1;
        x = (x >> 1) + (x & 1);
    }
    if (x == ONE32) return result << 32;
    for (int i = 0; i < 32; i++) {
        x = (i64)(((u128)(u64)x * (u64)x) >> 32);
        result <<= 1;
        if (x >= TWO33) {
            result |= 1;
            x = (x >> 1) + (x & 1);
        }
    }
    return result;
}

/* dtao.gate.ln_i32f32: 1 and *out, or 0 where it returns None */
static int ln_i32f32(i64 raw, i64 *out) {
    if (raw <= 0) return 0;
    i64 log2;
    if (raw < ONE32) {
        if (raw == 1) return 0; /* 1/x = 2^32 passes I32F32 */
        u128 inverse = ((u128)1 << 64) / (u64)raw;
        if (inverse > (u128)INT64_MAX) return 0;
        log2 = -log2_at_least_one((i64)inverse);
    } else {
        log2 = log2_at_least_one(raw);
    }
    /* checked_div by log2 e (I32F32 bits LOG2_E_23 << 9), truncating toward zero */
    *out = log2 < 0 ? -(((-log2) << 23) / LOG2_E_23) : (log2 << 23) / LOG2_E_23;
    return 1;
}

/* I32F32::saturating_mul(e, v) for e >= 0 (floored, clamped) */
static i64 mul_i32f32_sat(i64 e, i64 v) {
    int over, low;
    if (v >= 0) {
        i64 r = mul_shr32(e, v, &over, &low);
        return over ? INT64_MAX : r;
    }
    i64 r = mul_shr32(e, -v, &over, &low); /* floor of a negative: -ceil(e |v| / 2^32) */
    if (over || (r == INT64_MAX && low)) return INT64_MIN;
    return low ? -(r + 1) : -r;
}

/* dtao.fixed.exp_fixed: 1 and *out, or 0 where it returns None */
static int exp_i32f32(i64 raw, i64 *out) {
    if (raw == 0) {
        *out = ONE32;
        return 1;
    }
    if (raw == ONE32) {
        *out = E_RAW;
        return 1;
    }
    int neg = raw < 0;
    if (neg) {
        if (raw == INT64_MIN) return 0;
        raw = -raw;
    }
    if (raw > INT64_MAX - ONE32) return 0;
    i64 result = raw + ONE32, term = raw;
    /* unrolled, each divisor is a constant (a multiply, not a division); once a term is 0
     * every later one is too (0 · raw = 0), so stopping there changes nothing */
#pragma GCC unroll 32
    for (int i = 2; i < 32; i++) {
        int over, low;
        i64 prod = mul_shr32(term, raw, &over, &low);
        if (over) return 0;
        term = prod / i;
        if (term == 0) break;
        if (result > INT64_MAX - term) return 0;
        result += term;
    }
    *out = neg ? (i64)(((u128)1 << 64) / (u64)result) : result; /* result > 2^32: fits */
    return 1;
}

/* dtao.gate.safe_pow on the narrowed I32F32 inputs (value, exponent >= 0): I32F32 raw */
static i64 safe_pow_i32f32(i64 value, i64 exponent) {
    i64 log, out;
    if (!ln_i32f32(value, &log)) return 0;
    if (!exp_i32f32(mul_i32f32_sat(exponent, log), &out)) return INT64_MAX;
    return out > 0 ? out : 0;
}

#define SHARE(t, k) (((u128)(u64)ROW(t, S_SHARE_HI)[k] << 64) | (u64)ROW(t, S_SHARE_LO)[k])

static void put_share(i64 *t, Py_ssize_t n, Py_ssize_t k, u128 v) {
    ROW(t, S_SHARE_HI)[k] = (i64)(u64)(v >> 64);
    ROW(t, S_SHARE_LO)[k] = (i64)(u64)v;
}

/* demand_shares(table, n) -> int | None
 *
 * _Lanes.moving_bits and _demand_shares: each lane's price weight (its moving price, 1 off
 * the dynamic mechanism), its share of their sum, weighted by 1 - min(MinerBurned, 1) and
 * renormalised (U64F64 bits into the share rows). The sum of the price weights (U64F64,
 * saturated), or None, nothing kept, where a price weight passes 1 (the caller then runs the
 * Python lanes). */
static PyObject *demand_shares(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "w*n", &view, &n)) return NULL;
    i64 *t;
    if (!table(&view, N_SHARE_ROWS, n, &t)) {
        PyBuffer_Release(&view);
        return NULL;
    }
    u128 total = 0;
    int covered = 1, saturated = 0;
    for (Py_ssize_t k = 0; k < n && covered; k++) {
        i64 m = ROW(t, S_MP)[k];
        u128 price = ROW(t, S_MECH)[k] == 1 ? (u128)(m > 0 ? m : 0) << 32 : ONE64;
        covered = price <= ONE64;
        put_share(t, n, k, price);
        if (!saturated && add_overflows(&total, price)) saturated = 1;
    }
    if (saturated) total = MAX128;
    u128 weight_total = 0;
    for (Py_ssize_t k = 0; k < n && covered; k++) {
        u128 share = 0;
        if (total && shl64_div(SHARE(t, k), total, &share) != 0) covered = 0;
        put_share(t, n, k, share);
        u128 burned = (u128)ROW(t, S_BURNED)[k] << 32; /* >= 0 (the caller's range) */
        weight_total += mul_shr64_sat(share, ONE64 - (burned < ONE64 ? burned : ONE64));
    }
    if (covered && weight_total > 0) { /* else the price shares stand */
        for (Py_ssize_t k = 0; k < n && covered; k++) {
            u128 burned = (u128)ROW(t, S_BURNED)[k] << 32, share = 0;
            u128 weighted = mul_shr64_sat(SHARE(t, k), ONE64 - (burned < ONE64 ? burned : ONE64));
            if (shl64_div(weighted, weight_total, &share) != 0) covered = 0;
            put_share(t, n, k, share);
        }
    }
    PyBuffer_Release(&view);
    if (!covered) Py_RETURN_NONE;
    return u128_to_long(total);
}

/* gate_emissions(table, n, theta_hi, theta_lo, exponent, credit) -> bool
 *
 * _gate after the bar (theta, U64F64; 0 leaves the shares ungated) with the I32F32 exponent,
 * then _block_emissions: the shares of the lanes whose emission is off go to the others, and
 * each lane's T = credit * share as U96F32 bits into the t_emit_bits row. False, nothing the
 * caller keeps, where theta passes 1 (the caller then runs the Python lanes). */
static PyObject *gate_emissions(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t n;
    unsigned long long theta_hi, theta_lo, credit;
    long long exponent;
    if (!PyArg_ParseTuple(args, "w*nKKLK", &view, &n, &theta_hi, &theta_lo, &exponent, &credit))
        return NULL;
    i64 *t;
    if (!table(&view, N_SHARE_ROWS, n, &t)) {
        PyBuffer_Release(&view);
        return NULL;
    }
    u128 theta = ((u128)theta_hi << 64) | theta_lo;
    int covered = theta <= ONE64;
    u128 *gated = covered && theta > 0 ? PyMem_Malloc(sizeof(u128) * (size_t)(n ? n : 1)) : NULL;
    if (covered && theta > 0 && gated == NULL) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    if (gated != NULL) {
        u128 total = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            u128 share = SHARE(t, k), ratio = 0;
            gated[k] = 0;
            if (share == 0) continue;
            if (shl64_div(theta, share, &ratio) != 0) ratio = 0; /* past U64F64: 0 */
            u128 narrowed = ratio >> 32;
            i64 power = safe_pow_i32f32(narrowed > (u128)INT64_MAX ? INT64_MAX : (i64)narrowed,
                                        exponent);
            /* 1 / (1 + power) = floor(2^128 / d), d in [2^64, 2^96) */
            u128 d = ONE64 + ((u128)(u64)power << 32);
            u128 gate = MAX128 / d + (MAX128 % d == d - 1);
            gated[k] = mul_shr64_sat(share, gate);
            total += gated[k];
        }
        if (total > 0) { /* else every gated product underflowed: the shares stay ungated */
            for (Py_ssize_t k = 0; k < n; k++) {
                u128 share = 0;
                shl64_div(gated[k], total, &share); /* gated <= total: at most 1 */
                put_share(t, n, k, share);
            }
        }
        PyMem_Free(gated);
    }
    if (covered) {
        int all = 1;
        u128 enabled_sum = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            if (ROW(t, S_ENABLED)[k]) {
                if (add_overflows(&enabled_sum, SHARE(t, k))) enabled_sum = MAX128;
            } else {
                all = 0;
            }
        }
        u128 supply = (u128)credit << 64;
        for (Py_ssize_t k = 0; k < n; k++) {
            u128 share = SHARE(t, k);
            if (!all) {
                u128 q = 0;
                if (!(ROW(t, S_ENABLED)[k] && enabled_sum && shl64_div(share, enabled_sum, &q) == 0))
                    q = 0;
                share = q;
            }
            ROW(t, S_T_EMIT)[k] = (i64)(mul_shr64_sat(supply, share) >> 32);
        }
    }
    PyBuffer_Release(&view);
    return PyBool_FromLong(covered);
}

/* safe_pow(value, exponent) -> int: dtao.gate.safe_pow's I32F32 core (for the tests) */
static PyObject *safe_pow(PyObject *self, PyObject *args) {
    long long value, exponent;
    if (!PyArg_ParseTuple(args, "LL", &value, &exponent)) return NULL;
    if (value < 0 || exponent < 0) {
        PyErr_SetString(PyExc_ValueError, "safe_pow: narrowed inputs are >= 0");
        return NULL;
    }
    return PyLong_FromLongLong(safe_pow_i32f32(value, exponent));
}


/* Python ints of up to 128 bits, read and made from their 30-bit digits on the CPython
 * versions whose layout is known here (3.11), through the byte-array calls elsewhere */
#if PY_VERSION_HEX < 0x030C0000 && PyLong_SHIFT == 30
#define DIGITS_KNOWN 1
#else
#define DIGITS_KNOWN 0
#endif

/* the generic conversions (any CPython), where the two below need them */
#define GENERIC_LONGS (!DIGITS_KNOWN && PY_VERSION_HEX >= 0x030D0000)
#if GENERIC_LONGS
/* a Python int in [0, 2^128) as u128: 1, or 0 (no exception left) when it is not one */
static int long_to_u128_generic(PyObject *v, u128 *out) {
    if (!PyLong_Check(v)) return 0;
    unsigned long long lo = PyLong_AsUnsignedLongLong(v);
    if (!(lo == (unsigned long long)-1 && PyErr_Occurred())) {
        *out = lo;
        return 1;
    }
    PyErr_Clear(); /* negative (its high part fails below too), or past 64 bits */
    PyObject *shift = PyLong_FromLong(64), *high = NULL, *mask = NULL, *low = NULL;
    int ok = 0;
    if (shift != NULL) high = PyNumber_Rshift(v, shift);
    if (high != NULL) mask = PyLong_FromUnsignedLongLong(~0ULL);
    if (mask != NULL) low = PyNumber_And(v, mask);
    if (low != NULL) {
        unsigned long long hi = PyLong_AsUnsignedLongLong(high);
        if (hi == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear(); /* at or past 2^128 */
        } else {
            *out = ((u128)hi << 64) | PyLong_AsUnsignedLongLong(low);
            ok = 1;
        }
    }
    PyErr_Clear();
    Py_XDECREF(shift);
    Py_XDECREF(high);
    Py_XDECREF(mask);
    Py_XDECREF(low);
    return ok;
}

/* a u128 as a new Python int (NULL with an exception on a memory error) */
static PyObject *u128_to_long_generic(u128 v) {
    if (!(v >> 64)) return PyLong_FromUnsignedLongLong((u64)v);
    PyObject *hi = PyLong_FromUnsignedLongLong((u64)(v >> 64));
    PyObject *shift = PyLong_FromLong(64), *lo = PyLong_FromUnsignedLongLong((u64)v);
    PyObject *up = NULL, *out = NULL;
    if (hi != NULL && shift != NULL && lo != NULL) up = PyNumber_Lshift(hi, shift);
    if (up != NULL) out = PyNumber_Or(up, lo);
    Py_XDECREF(hi);
    Py_XDECREF(shift);
    Py_XDECREF(lo);
    Py_XDECREF(up);
    return out;
}
#endif

/* a Python int in [0, 2^128) as a u128; 0 (no exception left) when it is not one */
static int long_to_u128(PyObject *v, u128 *out) {
    if (!PyLong_Check(v)) return 0;
#if DIGITS_KNOWN
    Py_ssize_t size = Py_SIZE(v);
    const digit *d = ((PyLongObject *)v)->ob_digit;
    if (size < 0 || size > 5 || (size == 5 && d[4] >> 8)) return 0; /* 4·30 + 8 = 128 */
    u128 r = 0;
    for (Py_ssize_t i = size - 1; i >= 0; i--) r = (r << 30) | d[i];
    *out = r;
    return 1;
#elif PY_VERSION_HEX < 0x030D0000
    unsigned char bytes[16];
    if (_PyLong_AsByteArray((PyLongObject *)v, bytes, 16, 1, 0) < 0) {
        PyErr_Clear(); /* negative, or at or past 2^128 */
        return 0;
    }
    u128 r = 0;
    for (int i = 15; i >= 0; i--) r = (r << 8) | bytes[i];
    *out = r;
    return 1;
#else
    return long_to_u128_generic(v, out);
#endif
}

/* a u128 as a new Python int in one allocation where the runtime allows it */
static PyObject *u128_to_long(u128 v) {
    if (!(v >> 64)) return PyLong_FromUnsignedLongLong((u64)v);
#if DIGITS_KNOWN
    Py_ssize_t size = 0;
    for (u128 rest = v; rest; rest >>= 30) size++;
    PyLongObject *out = _PyLong_New(size);
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < size; i++, v >>= 30) out->ob_digit[i] = (digit)(v & PyLong_MASK);
    return (PyObject *)out;
#elif PY_VERSION_HEX < 0x030D0000
    unsigned char bytes[16];
    for (int i = 0; i < 16; i++) bytes[i] = (unsigned char)(v >> (8 * i));
    return _PyLong_FromByteArray(bytes, 16, 1, 0);
#else
    return u128_to_long_generic(v);
#endif
}

/* fast_ema(table, n, netuids, fast, weight_hi, weight_lo) -> bool
 *
 * dtao.fast_ema.update_fast_prices per lane: lane k's spot price (the balancer price of its
 * row, 1 off the dynamic mechanism), then one step of the fast EMA toward it with the U64F64
 * weight (seeded with the spot where the dict has no entry); the results written into the dict
 * ``fast`` under ``netuids[k]``. False, the dict untouched, when one of its entries is not an
 * int in [0, 2^128) (the caller then runs the reference). */
static PyObject *fast_ema(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t n;
    PyObject *netuids, *fast;
    unsigned long long weight_hi, weight_lo;
    if (!PyArg_ParseTuple(args, "w*nO!O!KK", &view, &n, &PyList_Type, &netuids, &PyDict_Type,
                          &fast, &weight_hi, &weight_lo))
        return NULL;
    i64 *t;
    if (!table(&view, N_FAST_ROWS, n, &t)) {
        PyBuffer_Release(&view);
        return NULL;
    }
    if (PyList_GET_SIZE(netuids) != n) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "fast_ema: one netuid a lane");
        return NULL;
    }
    u128 *next = PyMem_Malloc(sizeof(u128) * (size_t)(n ? n : 1));
    if (next == NULL) {
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    u128 weight = ((u128)weight_hi << 64) | weight_lo;
    int fits = 1;
    for (Py_ssize_t k = 0; k < n && fits; k++) {
        u128 spot = price_bits(ROW(t, F_MECH)[k], ROW(t, F_Y)[k], ROW(t, F_X)[k], ROW(t, F_W)[k]);
        PyObject *seen = PyDict_GetItemWithError(fast, PyList_GET_ITEM(netuids, k));
        u128 last;
        if (seen == NULL) {
            if (PyErr_Occurred()) {
                PyMem_Free(next);
                PyBuffer_Release(&view);
                return NULL;
            }
            next[k] = spot;
        } else if (!long_to_u128(seen, &last)) {
            fits = 0;
        } else if (spot >= last) {
            u128 step = mul_shr64_sat(spot - last, weight);
            next[k] = add_overflows(&last, step) ? MAX128 : last;
        } else {
            u128 step = mul_shr64_sat(last - spot, weight);
            next[k] = step < last ? last - step : 0;
        }
    }
    PyBuffer_Release(&view);
    for (Py_ssize_t k = 0; k < n && fits; k++) {
        PyObject *value = u128_to_long(next[k]);
        if (value == NULL || PyDict_SetItem(fast, PyList_GET_ITEM(netuids, k), value) < 0) {
            Py_XDECREF(value);
            PyMem_Free(next);
            return NULL;
        }
        Py_DECREF(value);
    }
    PyMem_Free(next);
    return PyBool_FromLong(fits);
}


/* fee_free_swap(y, x, w, amount, min_reserve, buy, limit_hi, limit_lo) -> int | None | False
 *
 * The amount out, None where the pallet's swap would refuse or stop at the limit (exactly
 * where the Python twin answers None), False where this kernel does not decide (the caller
 * runs the Python twin). */
static PyObject *fee_free_swap(PyObject *self, PyObject *args) {
    unsigned long long y, x, w, amount, min_reserve, limit_hi, limit_lo;
    int buy;
    if (!PyArg_ParseTuple(args, "KKKKKpKK", &y, &x, &w, &amount, &min_reserve, &buy, &limit_hi,
                          &limit_lo))
        return NULL;
    u64 out;
    switch (swap_out(y, x, w, amount, min_reserve, buy, ((u128)limit_hi << 64) | limit_lo, &out)) {
    case SWAP_OUT:
        return PyLong_FromUnsignedLongLong(out);
    case SWAP_REFUSED:
        Py_RETURN_NONE;
    default:
        Py_RETURN_FALSE;
    }
}

/* ---- the launch coinbase (dtao.coinbase_fast.LaunchFastInjection) ------------------------ */

/* the state columns the launch kernel reads and writes, rows 1 … n (row 0 is root) */
enum {
    L_Y, L_X, L_O, L_MP, L_REG, L_MECH, L_TAO_EMIT, L_ALPHA_EMIT, L_ALPHA_OUT_EMIT,
    L_PENDING_SWAPPED, L_PENDING_ROOT, L_PENDING, L_UNBACKED, L_OWNER_CUT, L_SHARE,
    N_LAUNCH_COLUMNS
};
static const char *LAUNCH_COLUMN_NAMES[N_LAUNCH_COLUMNS] = {
    "tao_in", "alpha_in", "alpha_out", "moving_price_bits", "registration_allowed",
    "mechanism", "tao_in_emission", "alpha_in_emission", "alpha_out_emission",
    "pending_alpha_swapped", "pending_root_divs", "pending_emission", "alpha_unbacked",
    "pending_owner_cut", "emission_share",
};
#define ONE32_I ((i64)1 << 32)
#define I110F18_MAX ((((u128)1) << 127) - 1)

/* floor(v / 2^32) for any signed v (an arithmetic shift, spelled out) */
static inline i64 floor_shr32(i64 v) {
    return v >= 0 ? v >> 32 : -(i64)((((u64)(-v)) + (u64)ONE32_I - 1) >> 32);
}

/* TAO out of a constant-product sale of ``alpha`` (dtao.pools.constant_product._sim_swap:
 * k = min(y·x·2^18, I110F18::MAX), new reserve ⌊k/(x + alpha)⌋ in 2^-18 units, refused below
 * min_liquidity); -1 when refused */
static i64 launch_sell(u64 y, u64 x, u64 alpha, u64 min_liquidity) {
    u128 product = (u128)y * x;
    u128 k = product > (I110F18_MAX >> 18) ? I110F18_MAX : product << 18;
    u128 divisor = (u128)x + alpha;
    u128 new_bits = divisor ? k / divisor : 0;
    if (new_bits < ((u128)min_liquidity << 18)) return -1;
    u128 reserve_bits = (u128)y << 18;
    return reserve_bits > new_bits ? (i64)((reserve_bits - new_bits) >> 18) : 0;
}

/* launch_inject(columns, n, emission, base, half_supply, owner_cut, base_f, rest_f,
 *               weighted_root, ema_a, min_liquidity) -> (minted, sold) | None
 *
 * The float and integer steps of LaunchFastInjection.__call__ on rows 1 … n, in its order and
 * with its IEEE operations operand for operand (compiled without contraction: no fused
 * multiply-add); the root sale and the capped EMA price in exact integers (the Python twin's
 * screens decide the same numbers). None, having written nothing, when the block does not
 * qualify (the twin's conditions, and a negative moving price). ``columns`` are the
 * LAUNCH_COLUMNS arrays, 8-byte, C-contiguous, writable. */
static PyObject *launch_inject(PyObject *self, PyObject *args) {
    PyObject *columns;
    Py_ssize_t n;
    long long emission, base, half_supply, owner_cut, ema_a, min_liquidity;
    double base_f, rest_f, weighted_root;
    if (!PyArg_ParseTuple(args, "O!nLLLLdddLL", &PyTuple_Type, &columns, &n, &emission, &base,
                          &half_supply, &owner_cut, &base_f, &rest_f, &weighted_root, &ema_a,
                          &min_liquidity))
        return NULL;
    if (PyTuple_GET_SIZE(columns) != N_LAUNCH_COLUMNS || n < 1) {
        PyErr_SetString(PyExc_ValueError, "launch_inject: LAUNCH_COLUMNS arrays and n >= 1");
        return NULL;
    }
    Py_buffer views[N_LAUNCH_COLUMNS];
    i64 *c[N_LAUNCH_COLUMNS];
    int got = 0;
    for (; got < N_LAUNCH_COLUMNS; got++) {
        if (PyObject_GetBuffer(PyTuple_GET_ITEM(columns, got), &views[got],
                               PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0)
            break;
        if (views[got].itemsize != 8 || views[got].len < (Py_ssize_t)(8 * (n + 1))) {
            PyBuffer_Release(&views[got]);
            PyErr_SetString(PyExc_ValueError, "launch_inject: a column is too short");
            break;
        }
        c[got] = (i64 *)views[got].buf;
    }
    PyObject *answer = NULL;
    if (got < N_LAUNCH_COLUMNS) goto release;
    i64 *Y = c[L_Y], *X = c[L_X], *O = c[L_O], *M = c[L_MP];
    double *share = (double *)c[L_SHARE];

    /* qualify (nothing written yet): Σm > 0 and every m ≤ 1, no halving (x + o < S/2), every
     * reserve positive, registration open, every subnet dynamic */
    i64 total_m = 0;
    int ok = 1;
    for (Py_ssize_t k = 1; k <= n && ok; k++) {
        total_m += M[k];
        if (M[k] < 0 || M[k] > ONE32_I || X[k] + O[k] >= half_supply || Y[k] <= 0 ||
            X[k] <= 0 || !c[L_REG][k] || !c[L_MECH][k])
            ok = 0;
    }
    if (!ok || total_m <= 0) {
        answer = Py_None;
        Py_INCREF(answer);
        goto release;
    }
    double inv_total = 1.0 / (double)total_m, emission_f = (double)emission;
    double root_num = rest_f * (weighted_root * 0.5);
    i64 unheld = base - owner_cut, minted = 0, sold = 0;
    i64 pending_scalar = (i64)rest_f;
    for (Py_ssize_t k = 1; k <= n; k++) {
        /* 1-2. T = ⌊E·m/Σm⌋; alpha_in = ⌊min(share·E·x/y, Eα)⌋ on the reserves before */
        i64 tao_in = M[k] * emission / total_m;
        minted += tao_in;
        share[k] = (double)M[k] * inv_total;
        double alpha_f = share[k] * emission_f;
        alpha_f = alpha_f * (double)X[k];
        alpha_f = alpha_f / (double)Y[k];
        if (alpha_f > base_f) alpha_f = base_f; /* np.minimum (no NaN: y > 0) */
        i64 alpha_in = (i64)alpha_f;
        c[L_TAO_EMIT][k] = tao_in;
        c[L_ALPHA_EMIT][k] = alpha_in;
        c[L_ALPHA_OUT_EMIT][k] = base;
        X[k] += alpha_in;
        O[k] += base;
        Y[k] += tao_in;
        /* 3. the root proportion's alpha, sold to the pool; the pending pots */
        if (weighted_root > 0) {
            double root_alpha_f = root_num / ((double)(X[k] + O[k]) + weighted_root);
            i64 root_alpha = (i64)root_alpha_f;
            i64 pending = (i64)(rest_f - root_alpha_f);
            i64 sold_tao = root_alpha ? launch_sell(Y[k], X[k], root_alpha, min_liquidity) : 0;
            i64 sold_alpha = root_alpha;
            if (sold_tao < 0) sold_tao = sold_alpha = 0; /* refused: nothing sold */
            X[k] += sold_alpha;
            O[k] -= sold_alpha;
            Y[k] -= sold_tao;
            sold += sold_tao;
            c[L_PENDING_SWAPPED][k] += root_alpha;
            c[L_PENDING_ROOT][k] += sold_tao;
            c[L_PENDING][k] += pending;
            c[L_UNBACKED][k] += unheld - (sold_alpha + pending);
        } else {
            c[L_PENDING][k] += pending_scalar;
            c[L_UNBACKED][k] += unheld - pending_scalar;
        }
        c[L_OWNER_CUT][k] += owner_cut;
        /* 4. m ← m + ⌊a·p/2^32⌋ + ⌊−a·m/2^32⌋, p = min(⌊y·2^32/x⌋, 2^32) after the sale */
        u128 price = ((u128)(u64)Y[k] << 32) / (u64)X[k];
        i64 p = price > (u128)ONE32_I ? ONE32_I : (i64)price;
        M[k] += ((p * ema_a) >> 32) + floor_shr32(-(M[k] * ema_a));
    }
    answer = Py_BuildValue("(LL)", (long long)minted, (long long)sold);
release:
    for (int i = 0; i < got; i++) PyBuffer_Release(&views[i]);
    return answer;
}

/* ---- the epoch's stake credits (dtao.ledger.credit_stakes_indexed) ----------------------- */

static PyObject *STR_VALUE, *STR_TOTAL_SHARES, *STR_SHARES; /* SharePool's field names */

/* one base-2^64 digit of a long division: ⌊(top·2^64 + next)/d⌋ for a normalised d (its top
 * bit set) and top < d, the remainder left in *top (Knuth's algorithm D, one step: the
 * estimate from d's high digit is at most two too large) */
static u64 divide_digit(u128 *top, u64 next, u128 d) {
    u64 d1 = (u64)(d >> 64), d0 = (u64)d, t1 = (u64)(*top >> 64);
    u64 q = t1 >= d1 ? ~(u64)0 : (u64)(*top / d1);
    /* q·d as 192 bits: p_hi·2^64 + p_lo (p_hi < 2^128 since q·d < 2^192) */
    u128 low = (u128)q * d0;
    u128 p_hi = (u128)q * d1 + (low >> 64);
    u64 p_lo = (u64)low;
    while (p_hi > *top || (p_hi == *top && p_lo > next)) { /* q·d > numerator: q one less */
        q--;
        u64 borrow = p_lo < d0;
        p_lo -= d0;
        p_hi -= (u128)d1 + borrow;
    }
    /* remainder = numerator − q·d < d */
    u64 borrow = next < p_lo;
    u64 r_lo = next - p_lo;
    u128 r_hi = *top - p_hi - borrow;
    *top = (r_hi << 64) | r_lo;
    return q;
}

/* ⌊x·2^128 / d⌋ for x < d (so the quotient is below 2^128), x below 2^64 */
static u128 shifted_quotient(u64 x, u128 d) {
    if (!(d >> 64)) { /* a one-digit divisor: two 128-by-64 steps, each digit below 2^64 */
        u128 n = (u128)x << 64;
        u128 q1 = n / d, r = n % d;
        u128 q0 = (r << 64) / d;
        return (q1 << 64) | q0;
    }
    int s = __builtin_clzll((u64)(d >> 64));
    u128 dn = d << s;
    u128 top = (u128)x << s; /* < dn since x < d */
    u64 q1 = divide_digit(&top, 0, dn);
    u64 q0 = divide_digit(&top, 0, dn);
    return ((u128)q1 << 64) | q0;
}

/* the shares an add-for-one of ``amount`` gives in a pool of value ``value`` and ``total``
 * shares (dtao.ledger.add_for_one: exactly amount·2^64 at V/D = 1, else
 * ⌊amount·2^128/⌊value·2^128/total⌋⌋); 0 where that function would take its general branch
 * (total 0, the quotient 0 or past U64F64::MAX, the shares past 2^128), which this kernel
 * leaves to it */
static int add_for_one_delta(u64 value, u128 total, u64 amount, u128 *delta) {
    if (total == 0) return 0;
    if (total == (u128)value << 64) {
        *delta = (u128)amount << 64;
        return 1;
    }
    if ((u128)value >= total) return 0; /* value·2^128/total ≥ 2^128: past U64F64::MAX */
    if (value == 0) return 0;           /* total > 0 and value 0: the quotient is 0 */
    u128 vps = shifted_quotient(value, total);
    if ((u128)amount >= vps) return 0; /* the shares would reach 2^128 */
    *delta = shifted_quotient(amount, vps);
    return 1;
}

/* The pools' fields read and written in place: SharePool is slotted, so each field is an
 * object pointer at a fixed offset of the instance, found once from the class's member
 * descriptors. Only instances of that one class are read so; any other pool is the
 * reference's. */
static PyTypeObject *POOL_TYPE;
static Py_ssize_t OFFSET_VALUE, OFFSET_TOTAL_SHARES, OFFSET_SHARES;

static int slot_offset(PyTypeObject *type, PyObject *name, Py_ssize_t *offset) {
    PyObject *descr = PyObject_GetAttr((PyObject *)type, name);
    if (descr == NULL) {
        PyErr_Clear();
        return 0;
    }
    int ok = Py_IS_TYPE(descr, &PyMemberDescr_Type) &&
             ((PyMemberDescrObject *)descr)->d_member->type == T_OBJECT_EX;
    if (ok) *offset = ((PyMemberDescrObject *)descr)->d_member->offset;
    Py_DECREF(descr);
    return ok;
}

/* whether ``pool`` is an instance of the slotted pool class (learnt from the first one) */
static int is_slotted_pool(PyObject *pool) {
    PyTypeObject *type = Py_TYPE(pool);
    if (type == POOL_TYPE) return 1;
    if (POOL_TYPE != NULL) return 0;
    Py_ssize_t value, total, shares;
    if (!slot_offset(type, STR_VALUE, &value) || !slot_offset(type, STR_TOTAL_SHARES, &total) ||
        !slot_offset(type, STR_SHARES, &shares))
        return 0;
    OFFSET_VALUE = value, OFFSET_TOTAL_SHARES = total, OFFSET_SHARES = shares;
    Py_INCREF(type);
    POOL_TYPE = type;
    return 1;
}

#define SLOT(pool, offset) ((PyObject **)((char *)(pool) + (offset)))

/* a field as u128; 0 when it is unset or not an int in [0, 2^128) */
static int slot_u128(PyObject *pool, Py_ssize_t offset, u128 *out) {
    PyObject *v = *SLOT(pool, offset);
    return v != NULL && long_to_u128(v, out);
}

/* a field set to a new reference (stolen), the old one released */
static void set_slot(PyObject *pool, Py_ssize_t offset, PyObject *v) {
    PyObject *old = *SLOT(pool, offset);
    *SLOT(pool, offset) = v;
    Py_XDECREF(old);
}

/* pool_values(pools, out) -> bool
 *
 * The value of each pool (dtao.stake_index.stake_weights' gather: attrgetter("value") per
 * pool) written into the int64 array ``out`` of the same length, read from the slot. False,
 * ``out`` maybe partly written, when a pool is not of the slotted pool class or its value is
 * not an int in [0, 2^63) (the caller then gathers by the reference). */
static PyObject *pool_values(PyObject *self, PyObject *args) {
    PyObject *pools;
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "O!w*", &PyList_Type, &pools, &view)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(pools);
    if (view.itemsize != 8 || view.len != 8 * n || !PyBuffer_IsContiguous(&view, 'C')) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "pool_values: one int64 a pool");
        return NULL;
    }
    i64 *out = (i64 *)view.buf;
    int ok = 1;
    for (Py_ssize_t i = 0; i < n && ok; i++) {
        PyObject *pool = PyList_GET_ITEM(pools, i);
        u128 value;
        ok = is_slotted_pool(pool) && slot_u128(pool, OFFSET_VALUE, &value) && !(value >> 63);
        if (ok) out[i] = (i64)value;
    }
    PyBuffer_Release(&view);
    return PyBool_FromLong(ok);
}

/* credit_pools(credits, start, netuid, pools, root_pools) -> int
 *
 * dtao.ledger.credit_stakes_indexed from credits[start] on, in order, for as long as each
 * credit is one this kernel decides: (coldkey, hotkey, netuid, own, shared) with own and
 * shared ints in [0, 2^64), the pool found in ``pools`` (netuid) or ``root_pools`` (root),
 * its value, total shares and the holder's shares within u64 / u128 and the add-for-one on
 * the branches above; zero credits are skipped as there. Returns the index of the first
 * credit it did not apply (len(credits) when it applied them all): the caller applies that
 * one by the reference and calls again from the next. A credit is read in full before any
 * write, so a credit it stops at is untouched. */
static PyObject *credit_pools(PyObject *self, PyObject *args) {
    PyObject *credits, *pools, *root_pools;
    Py_ssize_t start;
    long long netuid;
    if (!PyArg_ParseTuple(args, "O!nLO!O!", &PyList_Type, &credits, &start, &netuid,
                          &PyDict_Type, &pools, &PyDict_Type, &root_pools))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(credits), i = start < 0 ? 0 : start;
    for (; i < n; i++) {
        PyObject *credit = PyList_GET_ITEM(credits, i);
        if (!PyTuple_Check(credit) || PyTuple_GET_SIZE(credit) != 5) break;
        PyObject *coldkey = PyTuple_GET_ITEM(credit, 0), *hotkey = PyTuple_GET_ITEM(credit, 1);
        long long credit_netuid = PyLong_AsLongLong(PyTuple_GET_ITEM(credit, 2));
        if (credit_netuid == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            break;
        }
        unsigned long long own = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(credit, 3));
        if (own == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear(); /* negative, past u64 or not an int: the reference decides */
            break;
        }
        unsigned long long shared = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(credit, 4));
        if (shared == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            break;
        }
        if (!own && !shared) continue;
        PyObject *found = credit_netuid == netuid ? pools : credit_netuid == 0 ? root_pools : NULL;
        if (found == NULL) break;
        PyObject *pool = PyDict_GetItemWithError(found, hotkey); /* borrowed */
        if (pool == NULL) {
            if (PyErr_Occurred()) return NULL;
            break; /* a pool to look up or make: the reference */
        }
        if (!is_slotted_pool(pool)) break;
        u128 value, total = 0, held = 0, delta = 0;
        if (!slot_u128(pool, OFFSET_VALUE, &value) || value >> 64) break;
        u64 new_value = (u64)value + own;
        if (new_value < own || new_value + shared < shared) break; /* past u64: the reference */
        new_value += shared;
        if (own) {
            if (!slot_u128(pool, OFFSET_TOTAL_SHARES, &total)) break;
            if (!add_for_one_delta((u64)value, total, own, &delta)) break;
            PyObject *holders = *SLOT(pool, OFFSET_SHARES);
            if (holders == NULL || !PyDict_CheckExact(holders)) break;
            PyObject *held_now = PyDict_GetItemWithError(holders, coldkey);
            if (held_now == NULL && PyErr_Occurred()) return NULL;
            if (held_now != NULL && !long_to_u128(held_now, &held)) break;
            /* both saturate at U64F64::MAX = 2^128 − 1 */
            total = add_overflows(&total, delta) ? MAX128 : total;
            held = add_overflows(&held, delta) ? MAX128 : held;
            PyObject *held_obj = u128_to_long(held);
            PyObject *total_obj = held_obj ? u128_to_long(total) : NULL;
            if (total_obj == NULL || PyDict_SetItem(holders, coldkey, held_obj) < 0) {
                Py_XDECREF(held_obj);
                Py_XDECREF(total_obj);
                return NULL;
            }
            Py_DECREF(held_obj);
            set_slot(pool, OFFSET_TOTAL_SHARES, total_obj);
        }
        PyObject *value_obj = PyLong_FromUnsignedLongLong(new_value);
        if (value_obj == NULL) return NULL;
        set_slot(pool, OFFSET_VALUE, value_obj);
    }
    return PyLong_FromSsize_t(i);
}

/* ---- the launch epoch's payout lists (dtao.epoch.run_epoch) ------------------------------ */

/* a read-only C-contiguous buffer of ``count`` 8-byte items whose struct code is one of
 * ``codes`` ("d": float64; "lq": int64) (0 with an exception if not) */
static int view_of(PyObject *array, Py_ssize_t count, const char *codes, Py_buffer *view,
                   const char *name) {
    if (PyObject_GetBuffer(array, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return 0;
    const char *format = view->format ? view->format : "B";
    char code = format[0] && strchr("@=<", format[0]) ? format[1] : format[0];
    if (view->itemsize != 8 || view->len != 8 * count || !code || !strchr(codes, code)) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_ValueError, "%s: %zd items of type '%s' expected", name, count,
                     codes);
        return 0;
    }
    return 1;
}

/* a new 5-tuple credit (coldkey, hotkey, netuid, own, shared), the ints made here */
static PyObject *credit_tuple(PyObject *coldkey, PyObject *hotkey, PyObject *netuid, i64 own,
                              i64 shared) {
    PyObject *own_obj = PyLong_FromLongLong(own), *shared_obj = PyLong_FromLongLong(shared);
    PyObject *credit = own_obj && shared_obj ? PyTuple_New(5) : NULL;
    if (credit == NULL) {
        Py_XDECREF(own_obj);
        Py_XDECREF(shared_obj);
        return NULL;
    }
    Py_INCREF(coldkey);
    Py_INCREF(hotkey);
    Py_INCREF(netuid);
    PyTuple_SET_ITEM(credit, 0, coldkey);
    PyTuple_SET_ITEM(credit, 1, hotkey);
    PyTuple_SET_ITEM(credit, 2, netuid);
    PyTuple_SET_ITEM(credit, 3, own_obj);
    PyTuple_SET_ITEM(credit, 4, shared_obj);
    return credit;
}

/* append a new reference to a list, the reference released (0 with an exception on failure) */
static int append_new(PyObject *list, PyObject *item) {
    if (item == NULL) return 0;
    int failed = PyList_Append(list, item) < 0;
    Py_DECREF(item);
    return !failed;
}

/* miner_credits(hotkeys, owners, server, netuid, credits) -> (miner_hotkeys, incentives)
 *
 * The miners' part of the launch payout: for each UID in order whose server emission (int64
 * rao) is not 0, (owners[hotkey], hotkey, netuid, emission, 0) appended to ``credits``
 * (KeyError for a hotkey without an owner, as ``hotkey_owner[hotkey]``), and the hotkeys and
 * amounts listed. */
static PyObject *miner_credits(PyObject *self, PyObject *args) {
    PyObject *hotkeys, *owners, *server, *netuid, *credits;
    if (!PyArg_ParseTuple(args, "O!O!OOO!", &PyList_Type, &hotkeys, &PyDict_Type, &owners,
                          &server, &netuid, &PyList_Type, &credits))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(hotkeys);
    Py_buffer view;
    if (!view_of(server, n, "lq", &view, "miner_credits")) return NULL;
    const i64 *emission = (const i64 *)view.buf;
    PyObject *miners = PyList_New(0), *amounts = PyList_New(0), *answer = NULL;
    if (miners == NULL || amounts == NULL) goto done;
    for (Py_ssize_t uid = 0; uid < n; uid++) {
        if (!emission[uid]) continue;
        PyObject *hotkey = PyList_GET_ITEM(hotkeys, uid);
        PyObject *owner = PyDict_GetItemWithError(owners, hotkey);
        if (owner == NULL) {
            if (!PyErr_Occurred()) PyErr_SetObject(PyExc_KeyError, hotkey);
            goto done;
        }
        if (PyList_Append(miners, hotkey) < 0 ||
            !append_new(amounts, PyLong_FromLongLong(emission[uid])) ||
            !append_new(credits, credit_tuple(owner, hotkey, netuid, emission[uid], 0)))
            goto done;
    }
    answer = PyTuple_Pack(2, miners, amounts);
done:
    Py_XDECREF(miners);
    Py_XDECREF(amounts);
    PyBuffer_Release(&view);
    return answer;
}

/* validator_credits(paid, owners, default_owner, take, alpha, tao, netuid, credits)
 *     -> (alpha_take, alpha_rest, tao_take, tao_rest) | None
 *
 * The validators' part of the launch payout (dtao.epoch._split_take and the credit loop): for
 * paid hotkey i with take rate take[i] and float dividends alpha[i] (alpha-rao) and tao[i]
 * (rao), each amount a > 0 (else 0) splits into ⌊t·a⌋ and ⌊a − t·a⌋ (float64, truncated);
 * (owner, hotkey, netuid, alpha take, alpha rest) is appended to ``credits`` and, where the
 * root part is not 0, (owner, hotkey, 0, tao take, tao rest); the owner is owners.get(hotkey,
 * default_owner). None, nothing appended, when an amount is 2^63 or more (the caller's
 * arbitrary-precision path). */
static PyObject *validator_credits(PyObject *self, PyObject *args) {
    PyObject *paid, *owners, *default_owner, *take, *alpha, *tao, *netuid, *credits;
    if (!PyArg_ParseTuple(args, "O!O!OOOOOO!", &PyList_Type, &paid, &PyDict_Type, &owners,
                          &default_owner, &take, &alpha, &tao, &netuid, &PyList_Type, &credits))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(paid);
    Py_buffer views[3];
    PyObject *arrays[3] = {take, alpha, tao};
    int got = 0;
    for (; got < 3; got++)
        if (!view_of(arrays[got], n, "d", &views[got], "validator_credits")) break;
    PyObject *lists[4] = {NULL, NULL, NULL, NULL}, *answer = NULL, *root = NULL;
    if (got < 3) goto done;
    const double *rate = views[0].buf, *amounts[2] = {views[1].buf, views[2].buf};
    for (int part = 0; part < 2; part++)
        for (Py_ssize_t i = 0; i < n; i++)
            if (amounts[part][i] >= 9223372036854775808.0) { /* 2^63 */
                answer = Py_None;
                Py_INCREF(answer);
                goto done;
            }
    root = PyLong_FromLong(0);
    for (int k = 0; k < 4; k++) lists[k] = PyList_New(n);
    if (root == NULL || !lists[0] || !lists[1] || !lists[2] || !lists[3]) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        i64 split[4];
        for (int part = 0; part < 2; part++) {
            double a = amounts[part][i] > 0 ? amounts[part][i] : 0.0;
            double take_part = rate[i] * a;
            split[2 * part] = (i64)take_part;
            split[2 * part + 1] = (i64)(a - take_part);
        }
        for (int k = 0; k < 4; k++) {
            PyObject *v = PyLong_FromLongLong(split[k]);
            if (v == NULL) goto done;
            PyList_SET_ITEM(lists[k], i, v);
        }
        PyObject *hotkey = PyList_GET_ITEM(paid, i);
        PyObject *owner = PyDict_GetItemWithError(owners, hotkey);
        if (owner == NULL) {
            if (PyErr_Occurred()) goto done;
            owner = default_owner;
        }
        if (!append_new(credits, credit_tuple(owner, hotkey, netuid, split[0], split[1])))
            goto done;
        if ((split[2] || split[3]) &&
            !append_new(credits, credit_tuple(owner, hotkey, root, split[2], split[3])))
            goto done;
    }
    answer = PyTuple_Pack(4, lists[0], lists[1], lists[2], lists[3]);
done:
    for (int k = 0; k < 4; k++) Py_XDECREF(lists[k]);
    Py_XDECREF(root);
    for (int i = 0; i < got; i++) PyBuffer_Release(&views[i]);
    return answer;
}

static PyMethodDef methods[] = {
    {"inject", inject, METH_VARARGS, "The coinbase lanes from k on (see the source)."},
    {"ema_root_prop", ema_root_prop, METH_VARARGS, "Moving prices and root proportions."},
    {"fee_free_swap", fee_free_swap, METH_VARARGS, "The balancer's fee-free protocol swap."},
    {"demand_shares", demand_shares, METH_VARARGS, "The demand shares (see the source)."},
    {"gate_emissions", gate_emissions, METH_VARARGS, "The gate and each lane's T."},
    {"safe_pow", safe_pow, METH_VARARGS, "The emission gate's power on I32F32 inputs."},
    {"fast_ema", fast_ema, METH_VARARGS, "One block of the fast EMA prices (into the dict)."},
    {"launch_inject", launch_inject, METH_VARARGS, "The launch coinbase on rows 1 … n."},
    {"credit_pools", credit_pools, METH_VARARGS, "The epoch's stake credits (see the source)."},
    {"pool_values", pool_values, METH_VARARGS, "Each pool's value into an int64 array."},
    {"miner_credits", miner_credits, METH_VARARGS, "The launch payout's miner credits."},
    {"validator_credits", validator_credits, METH_VARARGS, "The launch payout's validator credits."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_exact",
    "Compiled exact kernels: the coinbase lanes and the balancer's swap (bit for bit).", -1,
    methods,
};

static PyObject *names(const char **list, int count) {
    PyObject *tuple = PyTuple_New(count);
    if (tuple == NULL) return NULL;
    for (int i = 0; i < count; i++) {
        PyObject *name = PyUnicode_FromString(list[i]);
        if (name == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, i, name);
    }
    return tuple;
}

PyMODINIT_FUNC PyInit__exact(void) {
    STR_VALUE = PyUnicode_InternFromString("value");
    STR_TOTAL_SHARES = PyUnicode_InternFromString("total_shares");
    STR_SHARES = PyUnicode_InternFromString("shares");
    if (STR_VALUE == NULL || STR_TOTAL_SHARES == NULL || STR_SHARES == NULL) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (PyModule_AddObject(m, "INJECT_ROWS", names(INJECT_ROW_NAMES, N_INJECT_ROWS)) < 0 ||
        PyModule_AddObject(m, "EMA_ROWS", names(EMA_ROW_NAMES, N_EMA_ROWS)) < 0 ||
        PyModule_AddObject(m, "SHARE_ROWS", names(SHARE_ROW_NAMES, N_SHARE_ROWS)) < 0 ||
        PyModule_AddObject(m, "FAST_ROWS", names(FAST_ROW_NAMES, N_FAST_ROWS)) < 0 ||
        PyModule_AddObject(m, "LAUNCH_COLUMNS",
                           names(LAUNCH_COLUMN_NAMES, N_LAUNCH_COLUMNS)) < 0 ||
        PyModule_AddIntConstant(m, "PHASE_BOUGHT", PHASE_BOUGHT) < 0 ||
        PyModule_AddIntConstant(m, "PHASE_HANDED", PHASE_HANDED) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
