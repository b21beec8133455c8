"""Kernels against their numpy references, their conservation laws, and thread-count invariance."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mxstab.model.rules.kernels import (
    corruption_kernel,
    corruption_reference,
    corruption_rest,
    corruption_rest_reference,
    corruption_step,
    neighbour_sum,
    poisson_counts,
    poisson_counts_reference,
    poisson_kernel,
    spread_kernel,
    spread_reference,
    spread_to_neighbours,
    use_thread_pool,
)
from mxstab.model.world.grid import load_grid
from mxstab.model.world.population import cell_population


def random_fields(seed: int, shape: tuple[int, int]):
    rng = np.random.default_rng(seed)
    mask = rng.random(shape) < 0.7
    population = np.where(mask, rng.integers(0, 50_000, shape), 0).astype(float)
    excess = np.where(mask, rng.exponential(2.0, shape), 0.0)
    return mask, population, excess, rng


def run_contagion(excess, population, mask, beta):
    return spread_to_neighbours(excess, population, mask, beta, np.empty_like(excess))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 30), cols=st.integers(1, 30))
def test_contagion_kernel_equals_reference(seed, rows, cols):
    mask, population, excess, _ = random_fields(seed, (rows, cols))
    expected = spread_reference(excess, population, mask, 0.3)
    np.testing.assert_allclose(run_contagion(excess, population, mask, 0.3), expected, rtol=1e-9)


def test_contagion_spreads_beta_times_the_excess_to_neighbours():
    """Each excess death induces exactly β deaths among its populated neighbours, none elsewhere."""
    grid = load_grid(0.25)
    population = cell_population(0.25).astype(float)
    mask = grid.mexico
    excess = np.zeros(grid.shape)
    r, c = np.argwhere(mask & (population > 0))[500]
    excess[r, c] = 10.0
    induced = run_contagion(excess, population, mask, 0.25)
    assert induced.sum() == pytest.approx(2.5, rel=1e-12)
    assert induced[r, c] == 0.0, "a cell does not infect itself"
    outside = np.ones(grid.shape, bool)
    outside[r - 1 : r + 2, c - 1 : c + 2] = False
    assert (induced[outside] == 0).all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 30), cols=st.integers(1, 30))
def test_corruption_kernel_equals_reference(seed, rows, cols):
    mask, _, _, rng = random_fields(seed, (rows, cols))
    kappa = np.where(mask, rng.random((rows, cols)), 0.0)
    growth = rng.random((rows, cols)) * 0.1
    decay = rng.random() * 0.1
    expected = corruption_reference(kappa, growth, decay, 0.2, mask)
    out = corruption_step(kappa, growth, decay, 0.2, mask, np.empty_like(kappa))
    np.testing.assert_allclose(out, expected, rtol=1e-9, atol=0)
    assert ((out >= 0) & (out <= 1)).all()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 40), cols=st.integers(1, 40))
def test_corruption_rest_kernel_equals_reference(seed, rows, cols):
    """The compiled rest state and its reference stop at the same step: equal to rounding."""
    mask, _, _, rng = random_fields(seed, (rows, cols))
    growth = rng.random((rows, cols)) * 0.05
    decay, diffusion = rng.uniform(0.01, 0.1), rng.uniform(0.0, 0.3)
    expected = corruption_rest_reference(growth, decay, diffusion, mask, 1e-12)
    rest = corruption_rest(growth, decay, diffusion, mask, 1e-12)
    np.testing.assert_allclose(rest, expected, rtol=1e-9, atol=1e-12)
    step = corruption_reference(rest, growth, decay, diffusion, mask)
    assert np.abs(step - rest).max() <= 1e-12


def test_corruption_diffusion_alone_moves_towards_neighbours():
    mask = np.ones((5, 5), bool)
    kappa = np.zeros((5, 5))
    kappa[2, 2] = 1.0
    out = corruption_step(kappa, np.zeros_like(kappa), 0.0, 0.4, mask, np.empty_like(kappa))
    assert out[2, 2] == pytest.approx(0.6)
    assert out[1, 1] == pytest.approx(0.4 / 8)
    assert out[0, 0] == 0.0


def test_neighbour_sum_counts_only_masked_cells():
    mask = np.array([[True, False], [True, True]])
    ones = np.ones((2, 2))
    np.testing.assert_array_equal(neighbour_sum(ones, mask), [[2, 3], [2, 2]])


def every_kernel(seed: int, shape: tuple[int, int], call) -> list[np.ndarray]:
    """Each banded kernel's output on random fields, `call(kernel, *arguments)` running it."""
    mask, population, excess, rng = random_fields(seed, shape)
    kappa = np.where(mask, rng.random(shape), 0.0)
    growth = rng.random(shape) * 0.05
    mean = rng.exponential(3.0, shape)
    outputs = [np.full(shape, np.nan) for _ in range(3)]
    call(spread_kernel, excess, population, mask, 0.3, outputs[0])
    call(corruption_kernel, kappa, growth, 0.02, 0.2, mask, outputs[1])
    call(poisson_kernel, mean, rng.random(shape), outputs[2])
    return outputs


@pytest.mark.parametrize("shape", [(1, 1), (2, 7), (33, 5), (190, 320)])
def test_serial_and_parallel_builds_agree_bit_for_bit(shape):
    """Every band count gives the same bits: a band recomputes its edge rows, it does not share."""
    serial = every_kernel(3, shape, lambda k, *a: k.serial(*a, 1))
    for count in (2, 3, 7):
        banded = every_kernel(3, shape, lambda k, *a, n=count: k.parallel(*a, n))
        for a, b in zip(serial, banded, strict=True):
            np.testing.assert_array_equal(a, b)


def test_results_do_not_depend_on_thread_count():
    threads = numba.config.NUMBA_NUM_THREADS
    if threads < 2:
        pytest.skip("one thread only: nothing to compare")
    try:
        numba.set_num_threads(1)
        assert not use_thread_pool(190), "one thread: no pool"
        single = every_kernel(7, (190, 320), lambda k, *a: k(*a))
        numba.set_num_threads(threads)
        assert use_thread_pool(190) and not use_thread_pool(20)
        many = every_kernel(7, (190, 320), lambda k, *a: k(*a))
    finally:
        numba.set_num_threads(threads)
    for a, b in zip(single, many, strict=True):
        np.testing.assert_array_equal(a, b)


def test_poisson_inversion_equals_scipy_and_keeps_other_cells():
    rng = np.random.default_rng(11)
    uniform = rng.random((60, 80))
    mean = rng.exponential(3.0, (60, 80))
    mean[::4] = 0.0
    mean[3, 3] = 900.0
    counts = poisson_counts(uniform, mean, np.empty_like(mean))
    np.testing.assert_array_equal(counts, poisson_counts_reference(uniform, mean))
    changed = mean.copy()
    changed[10, 10] += 5.0
    again = poisson_counts(uniform, changed, np.empty_like(mean))
    others = np.ones(mean.shape, bool)
    others[10, 10] = False
    np.testing.assert_array_equal(again[others], counts[others])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 30), cols=st.integers(1, 30))
def test_month_of_homicides_kernel_equals_reference(seed, rows, cols):
    """The fused month of homicides (background moved by the flow, three draws, the sums) and
    its numpy composition give the same seven rasters."""
    from mxstab.model.rules.violence import homicides_month, homicides_reference

    rng = np.random.default_rng(seed)
    shape = (rows, cols)

    def field(scale: float) -> np.ndarray:
        return np.where(rng.random(shape) < 0.6, rng.exponential(scale, shape), 0.0)

    args = (
        field(3.0),
        rng.uniform(0, 2),
        rng.normal(0, 0.3, shape),
        field(1.0),
        field(0.2),
        field(0.5),
        field(0.1),
        field(1000.0),
        rng.random((3, *shape)),
    )
    for got, expected in zip(homicides_month(*args), homicides_reference(*args), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
