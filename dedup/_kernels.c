/*
 * Compiled inner loops of dedup's core: loops that numpy cannot express
 * without large temporaries or a binary search per element. The MinHash
 * permutation-and-minimum (an [n_tokens, num_perm] temporary otherwise), the
 * merge of two sorted shingle sets (a searchsorted per shingle otherwise) and the
 * per-unit sort that makes those sets (one global 64-bit sort otherwise); the
 * n-gram window hash, which numpy computes in 2 * width passes over uint64 temporaries;
 * the collapsing of token and digit runs that masks the slots of line views; the search for the literals
 * that let a regular expression be searched only on the lines that may match it; stable radix sorts of 64-bit
 * keys (numpy's sorts compare); the XXH3 keys of line views, hashed where the strings' characters are.
 * Everything else (shingling, banding, clustering) is numpy.
 *
 * Arrays arrive through the buffer protocol (any C-contiguous numpy array),
 * dtypes and shapes are checked by the Python wrapper in dedup/minhash.py,
 * and the GIL is released while the loops run so callers can use threads.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <math.h>
#include <string.h>


static inline uint32_t fmix32(uint32_t h)
{
    /* MurmurHash3 finalizer, the pre-mix datasketch 2.x applies to every token hash. */
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}


/*
 * out[u, p] = min over tokens t of unit u of (a[p] * fmix32(t) + b[p]) mod 2^32,
 * or 0xFFFFFFFF for a unit without tokens: datasketch's "affine32" scheme.
 * Tokens are pre-mixed in chunks; permutations are then swept in blocks whose
 * accumulators, a and b stay in registers while the chunk's tokens stream past.
 */
typedef void (*block_fn)(const uint32_t *mixed, int64_t n_t, const uint32_t *a, const uint32_t *b,
                         uint32_t *row, Py_ssize_t k);

static void block_scalar(const uint32_t *mixed, int64_t n_t, const uint32_t *a, const uint32_t *b,
                         uint32_t *row, Py_ssize_t k)
{
    for (Py_ssize_t p = 0; p < k; p++) {
        uint32_t m = row[p], ap = a[p], bp = b[p];
        for (int64_t i = 0; i < n_t; i++) {
            uint32_t v = ap * mixed[i] + bp;
            m = v < m ? v : m;
        }
        row[p] = m;
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2 1
/* 32 permutations per pass: four 8-lane accumulators. */
__attribute__((target("avx2"))) static void block_avx2(const uint32_t *mixed, int64_t n_t,
                                                        const uint32_t *a, const uint32_t *b,
                                                        uint32_t *row, Py_ssize_t k)
{
    Py_ssize_t p0 = 0;
    for (; p0 + 32 <= k; p0 += 32) {
        __m256i a0 = _mm256_loadu_si256((const __m256i *)(a + p0));
        __m256i a1 = _mm256_loadu_si256((const __m256i *)(a + p0 + 8));
        __m256i a2 = _mm256_loadu_si256((const __m256i *)(a + p0 + 16));
        __m256i a3 = _mm256_loadu_si256((const __m256i *)(a + p0 + 24));
        __m256i b0 = _mm256_loadu_si256((const __m256i *)(b + p0));
        __m256i b1 = _mm256_loadu_si256((const __m256i *)(b + p0 + 8));
        __m256i b2 = _mm256_loadu_si256((const __m256i *)(b + p0 + 16));
        __m256i b3 = _mm256_loadu_si256((const __m256i *)(b + p0 + 24));
        __m256i m0 = _mm256_loadu_si256((const __m256i *)(row + p0));
        __m256i m1 = _mm256_loadu_si256((const __m256i *)(row + p0 + 8));
        __m256i m2 = _mm256_loadu_si256((const __m256i *)(row + p0 + 16));
        __m256i m3 = _mm256_loadu_si256((const __m256i *)(row + p0 + 24));
        for (int64_t i = 0; i < n_t; i++) {
            __m256i x = _mm256_set1_epi32((int)mixed[i]);
            m0 = _mm256_min_epu32(m0, _mm256_add_epi32(_mm256_mullo_epi32(a0, x), b0));
            m1 = _mm256_min_epu32(m1, _mm256_add_epi32(_mm256_mullo_epi32(a1, x), b1));
            m2 = _mm256_min_epu32(m2, _mm256_add_epi32(_mm256_mullo_epi32(a2, x), b2));
            m3 = _mm256_min_epu32(m3, _mm256_add_epi32(_mm256_mullo_epi32(a3, x), b3));
        }
        _mm256_storeu_si256((__m256i *)(row + p0), m0);
        _mm256_storeu_si256((__m256i *)(row + p0 + 8), m1);
        _mm256_storeu_si256((__m256i *)(row + p0 + 16), m2);
        _mm256_storeu_si256((__m256i *)(row + p0 + 24), m3);
    }
    block_scalar(mixed, n_t, a + p0, b + p0, row + p0, k - p0);
}
#endif

static block_fn pick_block(void)
{
#ifdef HAVE_AVX2
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return block_avx2;
#endif
    return block_scalar;
}

static void affine32_minhash(const uint32_t *tokens, const int64_t *offsets, Py_ssize_t n_units,
                             const uint32_t *a, const uint32_t *b, Py_ssize_t k, uint32_t *out)
{
    enum { CHUNK = 1024 };
    uint32_t mixed[CHUNK];
    block_fn block = pick_block();
    for (Py_ssize_t u = 0; u < n_units; u++) {
        uint32_t *row = out + u * k;
        for (Py_ssize_t p = 0; p < k; p++) row[p] = 0xFFFFFFFFu;
        for (int64_t t0 = offsets[u]; t0 < offsets[u + 1]; t0 += CHUNK) {
            int64_t n_t = offsets[u + 1] - t0 < CHUNK ? offsets[u + 1] - t0 : CHUNK;
            for (int64_t i = 0; i < n_t; i++) mixed[i] = fmix32(tokens[t0 + i]);
            block(mixed, n_t, a, b, row, k);
        }
    }
}

/*
 * One-permutation hashing: out[u, bin(x)] = min x over the unit's tokens, where
 * x = fmix32(a * t + b) and bin(x) = (x * k) >> 32; empty bins stay 0xFFFFFFFF
 * (densified afterwards in numpy). One hash and one min per token.
 */
static void oph_minhash(const uint32_t *tokens, const int64_t *offsets, Py_ssize_t n_units, uint32_t a, uint32_t b,
                        Py_ssize_t k, uint32_t *out)
{
    for (Py_ssize_t u = 0; u < n_units; u++) {
        uint32_t *row = out + u * k;
        for (Py_ssize_t p = 0; p < k; p++) row[p] = 0xFFFFFFFFu;
        for (int64_t i = offsets[u]; i < offsets[u + 1]; i++) {
            uint32_t x = fmix32(a * tokens[i] + b);
            uint64_t bin = ((uint64_t)x * (uint64_t)k) >> 32;
            if (x < row[bin]) row[bin] = x;
        }
    }
}

typedef struct {
    Py_buffer view;
    int held;
} held_buffer;

static int get_buffer(PyObject *obj, held_buffer *hb, Py_ssize_t itemsize, const char *name)
{
    if (PyObject_GetBuffer(obj, &hb->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    hb->held = 1;
    if (hb->view.itemsize != itemsize) {
        PyErr_Format(PyExc_TypeError, "%s: expected items of %zd bytes, got %zd", name, itemsize,
                     hb->view.itemsize);
        return -1;
    }
    return 0;
}

static void release(held_buffer *hb)
{
    if (hb->held) PyBuffer_Release(&hb->view);
    hb->held = 0;
}

/* One buffer a wrapper takes: its object (NULL: none, left unheld), where it is held, its item size and name. */
typedef struct {
    PyObject *obj;
    held_buffer *hb;
    Py_ssize_t itemsize;
    const char *name;
} wanted_buffer;

#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

/* Takes every wanted buffer in order; -1 with the error set at the first that fails (release_all frees the rest). */
static int take_all(const wanted_buffer *wanted, int n)
{
    for (int i = 0; i < n; i++)
        if (wanted[i].obj != NULL && get_buffer(wanted[i].obj, wanted[i].hb, wanted[i].itemsize, wanted[i].name) < 0)
            return -1;
    return 0;
}

static void release_all(const wanted_buffer *wanted, int n)
{
    for (int i = 0; i < n; i++) release(wanted[i].hb);
}

/* Lines [s[i], e[i]) must lie within the n code points; -1 with a ValueError naming the caller if not. */
static int check_lines(const int64_t *s, const int64_t *e, Py_ssize_t m, Py_ssize_t n, const char *caller)
{
    for (Py_ssize_t i = 0; i < m; i++) {
        if (s[i] < 0 || e[i] < s[i] || e[i] > n) {
            PyErr_Format(PyExc_ValueError, "%s: a line out of range of the code points", caller);
            return -1;
        }
    }
    return 0;
}

/* CSR offsets must lie within the tokens and never decrease; -1 with a ValueError set if not. */
static int check_offsets(const int64_t *offsets, Py_ssize_t n_units, Py_ssize_t n_tokens)
{
    if (n_units > 0 && (offsets[0] < 0 || offsets[n_units] > n_tokens)) {
        PyErr_SetString(PyExc_ValueError, "offsets out of range of tokens");
        return -1;
    }
    for (Py_ssize_t u = 0; u < n_units; u++) {
        if (offsets[u + 1] < offsets[u]) {
            PyErr_SetString(PyExc_ValueError, "offsets must be non-decreasing");
            return -1;
        }
    }
    return 0;
}
/*
 * out[i] = |A ∩ B| for pairs[i] = (a, b), where a set is hashes[offsets[u]:offsets[u+1]],
 * ascending and distinct. A merge when the sizes are alike; when one set is much
 * smaller its elements gallop through the larger one.
 */
static int64_t merge_count(const uint32_t *x, int64_t nx, const uint32_t *y, int64_t ny)
{
    int64_t i = 0, j = 0, count = 0;
    while (i < nx && j < ny) {
        uint32_t a = x[i], b = y[j];
        count += a == b;
        i += a <= b;
        j += b <= a;
    }
    return count;
}

static int64_t gallop_count(const uint32_t *small, int64_t ns, const uint32_t *large, int64_t nl)
{
    int64_t count = 0, lo = 0;
    for (int64_t i = 0; i < ns && lo < nl; i++) {
        uint32_t v = small[i];
        int64_t step = 1, hi = lo;
        while (hi < nl && large[hi] < v) {
            lo = hi + 1;
            hi += step;
            step <<= 1;
        }
        if (hi > nl) hi = nl;
        while (lo < hi) { /* first position >= v in [lo, hi) */
            int64_t mid = lo + ((hi - lo) >> 1);
            if (large[mid] < v) lo = mid + 1; else hi = mid;
        }
        if (lo < nl && large[lo] == v) { count++; lo++; }
    }
    return count;
}

/* merge_count that stops once more than nx - need elements of x have missed: the count so far
 * (below need) says the pair cannot reach need; a pair that can is counted whole. */
static int64_t merge_count_reaching(const uint32_t *x, int64_t nx, const uint32_t *y, int64_t ny, int64_t need)
{
    int64_t i = 0, j = 0, count = 0, slack = nx - need;
    if (slack < 0) return 0;
    while (i < nx && j < ny) {
        uint32_t a = x[i], b = y[j];
        if (a < b) {
            i++;
            if (--slack < 0) return count;
        } else {
            count += a == b;
            i += a == b;
            j++;
        }
    }
    return count;
}

/* |A ∩ B| of pairs (a, b) where a is a set of one CSR (ha, oa) and b a set of another (hb, ob). With
 * need (else NULL), a pair that cannot reach need[i] may stop early, below it (merge_count_reaching). */
static void intersection_sizes_between(const uint32_t *ha, const int64_t *oa, const uint32_t *hb, const int64_t *ob,
                                       const int64_t *pairs, Py_ssize_t n_pairs, const int64_t *need, int64_t *out)
{
    for (Py_ssize_t i = 0; i < n_pairs; i++) {
        int64_t a = pairs[2 * i], b = pairs[2 * i + 1];
        const uint32_t *x = ha + oa[a], *y = hb + ob[b];
        int64_t nx = oa[a + 1] - oa[a], ny = ob[b + 1] - ob[b];
        if (nx > ny) {
            const uint32_t *t = x; x = y; y = t;
            int64_t tn = nx; nx = ny; ny = tn;
        }
        if (16 * nx < ny)
            out[i] = gallop_count(x, nx, y, ny);
        else
            out[i] = need ? merge_count_reaching(x, nx, y, ny, need[i]) : merge_count(x, nx, y, ny);
    }
}


/*
 * The sorted distinct hashes of every unit: unit u's tokens[offsets[u]:offsets[u+1]],
 * sorted and deduplicated, written one unit after another from out[0]; out_offsets is
 * their CSR. An LSD radix sort of four 8-bit digits (all four histograms from one
 * counting pass; a digit shared by every element is skipped), insertion sort below
 * 48 elements. tmp holds max(unit size) elements.
 */
static void sort_small(uint32_t *x, int64_t n)
{
    for (int64_t i = 1; i < n; i++) {
        uint32_t v = x[i];
        int64_t j = i - 1;
        while (j >= 0 && x[j] > v) {
            x[j + 1] = x[j];
            j--;
        }
        x[j + 1] = v;
    }
}

static void radix_sort(uint32_t *x, uint32_t *tmp, int64_t n)
{
    int64_t count[4][256];
    memset(count, 0, sizeof(count));
    for (int64_t i = 0; i < n; i++) {
        uint32_t v = x[i];
        count[0][v & 255]++;
        count[1][(v >> 8) & 255]++;
        count[2][(v >> 16) & 255]++;
        count[3][v >> 24]++;
    }
    uint32_t *src = x, *dst = tmp;
    for (int d = 0; d < 4; d++) {
        int shift = 8 * d;
        if (count[d][(src[0] >> shift) & 255] == n) continue; /* every element has this digit */
        int64_t pos = 0;
        for (int k = 0; k < 256; k++) {
            int64_t c = count[d][k];
            count[d][k] = pos;
            pos += c;
        }
        for (int64_t i = 0; i < n; i++) {
            uint32_t v = src[i];
            dst[count[d][(v >> shift) & 255]++] = v;
        }
        uint32_t *t = src; src = dst; dst = t;
    }
    if (src != x) memcpy(x, src, (size_t)n * sizeof(uint32_t));
}

static void sorted_sets(const uint32_t *tokens, const int64_t *offsets, Py_ssize_t n_units, uint32_t *out,
                        int64_t *out_offsets, uint32_t *tmp)
{
    int64_t at = 0;
    out_offsets[0] = 0;
    for (Py_ssize_t u = 0; u < n_units; u++) {
        int64_t n = offsets[u + 1] - offsets[u];
        uint32_t *x = out + at;
        memmove(x, tokens + offsets[u], (size_t)n * sizeof(uint32_t));
        if (n < 48) sort_small(x, n); else radix_sort(x, tmp, n);
        int64_t kept = n > 0;
        for (int64_t i = 1; i < n; i++) {
            if (x[i] != x[kept - 1]) x[kept++] = x[i];
        }
        at += kept;
        out_offsets[u + 1] = at;
    }
}

static PyObject *py_affine32_minhash(PyObject *self, PyObject *args)
{
    PyObject *tok_o, *off_o, *a_o, *b_o, *out_o;
    if (!PyArg_ParseTuple(args, "OOOOO", &tok_o, &off_o, &a_o, &b_o, &out_o)) return NULL;
    held_buffer tok = {0}, off = {0}, a = {0}, b = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{tok_o, &tok, 4, "tokens"}, {off_o, &off, 8, "offsets"}, {a_o, &a, 4, "a"},
                                    {b_o, &b, 4, "b"}, {out_o, &out, 4, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly) {
        PyErr_SetString(PyExc_ValueError, "out must be writable");
        goto done;
    }
    Py_ssize_t n_tokens = tok.view.len / 4, n_units = off.view.len / 8 - 1, k = a.view.len / 4;
    if (n_units < 0 || b.view.len / 4 != k || out.view.len / 4 != n_units * k) {
        PyErr_SetString(PyExc_ValueError, "shape mismatch between offsets, a, b and out");
        goto done;
    }
    const int64_t *offsets = (const int64_t *)off.view.buf;
    if (check_offsets(offsets, n_units, n_tokens) < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    affine32_minhash((const uint32_t *)tok.view.buf, offsets, n_units, (const uint32_t *)a.view.buf,
                     (const uint32_t *)b.view.buf, k, (uint32_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

static PyObject *py_oph_minhash(PyObject *self, PyObject *args)
{
    PyObject *tok_o, *off_o, *out_o;
    unsigned int a, b;
    if (!PyArg_ParseTuple(args, "OOIIO", &tok_o, &off_o, &a, &b, &out_o)) return NULL;
    held_buffer tok = {0}, off = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{tok_o, &tok, 4, "tokens"}, {off_o, &off, 8, "offsets"},
                                    {out_o, &out, 4, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly || out.view.ndim != 2) {
        PyErr_SetString(PyExc_ValueError, "out must be a writable 2-d array");
        goto done;
    }
    Py_ssize_t n_tokens = tok.view.len / 4, n_units = off.view.len / 8 - 1, k = out.view.shape[1];
    const int64_t *offsets = (const int64_t *)off.view.buf;
    if (n_units < 0 || out.view.shape[0] != n_units || k < 1) {
        PyErr_SetString(PyExc_ValueError, "shape mismatch between offsets and out");
        goto done;
    }
    if (check_offsets(offsets, n_units, n_tokens) < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    oph_minhash((const uint32_t *)tok.view.buf, offsets, n_units, (uint32_t)a, (uint32_t)b, k, (uint32_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

static PyObject *py_intersection_sizes(PyObject *self, PyObject *args)
{
    PyObject *hash_o, *off_o, *pairs_o, *out_o, *need_o = Py_None;
    if (!PyArg_ParseTuple(args, "OOOO|O", &hash_o, &off_o, &pairs_o, &out_o, &need_o)) return NULL;
    held_buffer hs = {0}, off = {0}, pr = {0}, out = {0}, nd = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{hash_o, &hs, 4, "hashes"}, {off_o, &off, 8, "offsets"},
                                    {pairs_o, &pr, 8, "pairs"}, {out_o, &out, 8, "out"},
                                    {need_o == Py_None ? NULL : need_o, &nd, 8, "need"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly) {
        PyErr_SetString(PyExc_ValueError, "out must be writable");
        goto done;
    }
    Py_ssize_t n_hashes = hs.view.len / 4, n_units = off.view.len / 8 - 1, n_pairs = pr.view.len / 16;
    if (n_units < 0 || pr.view.len % 16 || out.view.len / 8 != n_pairs ||
        (need_o != Py_None && nd.view.len / 8 != n_pairs)) {
        PyErr_SetString(PyExc_ValueError, "shape mismatch between offsets, pairs, out and need");
        goto done;
    }
    const int64_t *offsets = (const int64_t *)off.view.buf, *pairs = (const int64_t *)pr.view.buf;
    if (check_offsets(offsets, n_units, n_hashes) < 0) goto done;
    for (Py_ssize_t i = 0; i < 2 * n_pairs; i++) {
        if (pairs[i] < 0 || pairs[i] >= n_units) {
            PyErr_SetString(PyExc_IndexError, "pair index out of range of the sets");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    intersection_sizes_between((const uint32_t *)hs.view.buf, offsets, (const uint32_t *)hs.view.buf, offsets, pairs,
                               n_pairs, need_o == Py_None ? NULL : (const int64_t *)nd.view.buf, (int64_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

static PyObject *py_intersection_sizes_between(PyObject *self, PyObject *args)
{
    PyObject *ha_o, *oa_o, *hb_o, *ob_o, *pairs_o, *out_o;
    if (!PyArg_ParseTuple(args, "OOOOOO", &ha_o, &oa_o, &hb_o, &ob_o, &pairs_o, &out_o)) return NULL;
    held_buffer ha = {0}, oa = {0}, hb = {0}, ob = {0}, pr = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{ha_o, &ha, 4, "hashes_a"}, {oa_o, &oa, 8, "offsets_a"},
                                    {hb_o, &hb, 4, "hashes_b"}, {ob_o, &ob, 8, "offsets_b"},
                                    {pairs_o, &pr, 8, "pairs"}, {out_o, &out, 8, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly) {
        PyErr_SetString(PyExc_ValueError, "out must be writable");
        goto done;
    }
    Py_ssize_t units_a = oa.view.len / 8 - 1, units_b = ob.view.len / 8 - 1, n_pairs = pr.view.len / 16;
    if (units_a < 0 || units_b < 0 || pr.view.len % 16 || out.view.len / 8 != n_pairs) {
        PyErr_SetString(PyExc_ValueError, "shape mismatch between offsets, pairs and out");
        goto done;
    }
    const int64_t *offsets_a = (const int64_t *)oa.view.buf, *offsets_b = (const int64_t *)ob.view.buf,
                  *pairs = (const int64_t *)pr.view.buf;
    if (check_offsets(offsets_a, units_a, ha.view.len / 4) < 0 || check_offsets(offsets_b, units_b, hb.view.len / 4) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < n_pairs; i++) {
        if (pairs[2 * i] < 0 || pairs[2 * i] >= units_a || pairs[2 * i + 1] < 0 || pairs[2 * i + 1] >= units_b) {
            PyErr_SetString(PyExc_IndexError, "pair index out of range of the sets");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    intersection_sizes_between((const uint32_t *)ha.view.buf, offsets_a, (const uint32_t *)hb.view.buf, offsets_b,
                               pairs, n_pairs, NULL, (int64_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * A bound on |A & B| for pairs of units of one CSR of token hashes (any order, repeats allowed): how many of b's
 * tokens fall in a 16-bit bucket (h >> 16) that one of a's falls in (at least |A & B|, as every shared hash
 * shares its bucket and is one of b's tokens at least once), and for every unit the buckets its tokens fill (at
 * most its distinct hashes). Pairs come sorted by their a unit: each run of one a fills an 8 KB bitmap once,
 * and clears what it set.
 */
static int64_t fill_buckets(const uint32_t *h, int64_t lo, int64_t hi, uint64_t *bits)
{
    int64_t filled = 0;
    for (int64_t t = lo; t < hi; t++) {
        uint32_t bucket = h[t] >> 16;
        uint64_t bit = (uint64_t)1 << (bucket & 63);
        filled += (bits[bucket >> 6] & bit) == 0;
        bits[bucket >> 6] |= bit;
    }
    return filled;
}

static void clear_buckets(const uint32_t *h, int64_t lo, int64_t hi, uint64_t *bits)
{
    for (int64_t t = lo; t < hi; t++) bits[h[t] >> 22] = 0;
}

/*
 * Per pair (a, b), sorted by a: b's tokens that fall in a bucket one of a's tokens falls in; per unit, the buckets its
 * tokens fill. A pair stops counting once even its tokens left could not bring the count to threshold times the
 * smaller of the two units' buckets, less one (its count is then below that, as the whole count would be): nearly
 * every candidate shares next to nothing, and a fragment's tokens are mostly read for nothing. The buckets of every
 * pair's b are counted first, those of a unit only ever a pair's a while they are filled for its run (-1 for a unit in
 * no pair).
 */
static void bucket_overlaps(const uint32_t *h, const int64_t *offsets, Py_ssize_t n_units, const int64_t *pairs,
                            Py_ssize_t n_pairs, double threshold, uint64_t *bits, int64_t *found, int64_t *filled)
{
    for (Py_ssize_t u = 0; u < n_units; u++) filled[u] = -1;
    for (Py_ssize_t i = 0; i < n_pairs; i++) filled[pairs[2 * i + 1]] = 0; /* every b: counted first */
    for (Py_ssize_t u = 0; u < n_units; u++) {
        if (filled[u] < 0) continue; /* a unit only ever a pair's a is counted with its run */
        filled[u] = fill_buckets(h, offsets[u], offsets[u + 1], bits);
        clear_buckets(h, offsets[u], offsets[u + 1], bits);
    }
    Py_ssize_t i = 0;
    while (i < n_pairs) {
        int64_t a = pairs[2 * i];
        filled[a] = fill_buckets(h, offsets[a], offsets[a + 1], bits);
        for (; i < n_pairs && pairs[2 * i] == a; i++) {
            int64_t b = pairs[2 * i + 1], in = 0, lo = offsets[b], hi = offsets[b + 1];
            int64_t least = filled[a] < filled[b] ? filled[a] : filled[b];
            double hopeless = threshold * (double)least - 1.0; /* a count short of it falls short of the bound */
            for (int64_t t = lo; t < hi; t++) {
                in += (bits[h[t] >> 22] >> ((h[t] >> 16) & 63)) & 1;
                if ((double)(in + (hi - t - 1)) < hopeless) break;
            }
            found[i] = in;
        }
        clear_buckets(h, offsets[a], offsets[a + 1], bits);
    }
}

static PyObject *py_bucket_overlaps(PyObject *self, PyObject *args)
{
    PyObject *hash_o, *off_o, *pairs_o, *found_o, *filled_o;
    double threshold;
    if (!PyArg_ParseTuple(args, "OOOdOO", &hash_o, &off_o, &pairs_o, &threshold, &found_o, &filled_o)) return NULL;
    held_buffer hs = {0}, off = {0}, pr = {0}, fo = {0}, fi = {0};
    PyObject *result = NULL;
    uint64_t *bits = NULL;
    const wanted_buffer wanted[] = {{hash_o, &hs, 4, "hashes"}, {off_o, &off, 8, "offsets"}, {pairs_o, &pr, 8, "pairs"},
                                    {found_o, &fo, 8, "found"}, {filled_o, &fi, 8, "filled"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n_units = off.view.len / 8 - 1, n_pairs = pr.view.len / 16;
    if (fo.view.readonly || fi.view.readonly || n_units < 0 || pr.view.len % 16 || fo.view.len / 8 != n_pairs ||
        fi.view.len / 8 != n_units) {
        PyErr_SetString(PyExc_ValueError, "bucket_overlaps: pairs [p, 2], found writable [p], filled writable [units]");
        goto done;
    }
    const int64_t *offsets = (const int64_t *)off.view.buf, *pairs = (const int64_t *)pr.view.buf;
    if (check_offsets(offsets, n_units, hs.view.len / 4) < 0) goto done;
    for (Py_ssize_t i = 0; i < 2 * n_pairs; i++) {
        if (pairs[i] < 0 || pairs[i] >= n_units) {
            PyErr_SetString(PyExc_IndexError, "bucket_overlaps: a pair out of range of the units");
            goto done;
        }
    }
    bits = PyMem_RawCalloc(1024, sizeof(uint64_t));
    if (bits == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    bucket_overlaps((const uint32_t *)hs.view.buf, offsets, n_units, pairs, n_pairs, threshold, bits,
                    (int64_t *)fo.view.buf, (int64_t *)fi.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(bits);
    release_all(wanted, COUNT(wanted));
    return result;
}

static PyObject *py_sorted_sets(PyObject *self, PyObject *args)
{
    PyObject *tok_o, *off_o, *out_o, *oo_o;
    if (!PyArg_ParseTuple(args, "OOOO", &tok_o, &off_o, &out_o, &oo_o)) return NULL;
    held_buffer tok = {0}, off = {0}, out = {0}, oo = {0};
    PyObject *result = NULL;
    uint32_t *tmp = NULL;
    const wanted_buffer wanted[] = {{tok_o, &tok, 4, "tokens"}, {off_o, &off, 8, "offsets"},
                                    {out_o, &out, 4, "out"}, {oo_o, &oo, 8, "out_offsets"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly || oo.view.readonly) {
        PyErr_SetString(PyExc_ValueError, "out and out_offsets must be writable");
        goto done;
    }
    Py_ssize_t n_tokens = tok.view.len / 4, n_units = off.view.len / 8 - 1;
    if (n_units < 0 || out.view.len / 4 < n_tokens || oo.view.len / 8 != n_units + 1) {
        PyErr_SetString(PyExc_ValueError, "shape mismatch between tokens, offsets, out and out_offsets");
        goto done;
    }
    const int64_t *offsets = (const int64_t *)off.view.buf;
    if (check_offsets(offsets, n_units, n_tokens) < 0) goto done;
    int64_t largest = 1;
    for (Py_ssize_t u = 0; u < n_units; u++) {
        if (offsets[u + 1] - offsets[u] > largest) largest = offsets[u + 1] - offsets[u];
    }
    tmp = (uint32_t *)PyMem_RawMalloc((size_t)largest * sizeof(uint32_t));
    if (tmp == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    sorted_sets((const uint32_t *)tok.view.buf, offsets, n_units, (uint32_t *)out.view.buf, (int64_t *)oo.view.buf, tmp);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(tmp);
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * out[i] = fmix64(acc)>>32 with acc = salt, then acc = acc * PRIME + codepoints[i + j] for
 * j < width (mod 2**64): the shingle token hash of dedup/shingle.py, bit for bit.
 */
static void window_hashes_scalar(const uint32_t *codepoints, int64_t n_windows, int64_t width, uint64_t salt,
                                 uint32_t *out)
{
    const uint64_t prime = 0x9E3779B97F4A7C15ULL;
    for (int64_t i = 0; i < n_windows; i++) {
        uint64_t h = salt;
        for (int64_t j = 0; j < width; j++) h = h * prime + codepoints[i + j];
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDULL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53ULL;
        h ^= h >> 33;
        out[i] = (uint32_t)(h >> 32);
    }
}

typedef void (*window_fn)(const uint32_t *, int64_t, int64_t, uint64_t, uint32_t *);

#ifdef HAVE_AVX2
/* Eight windows a step, the same arithmetic modulo 2**64 in 64-bit lanes (AVX-512DQ's 64-bit multiply; a scalar
 * multiply a code point a window otherwise): each lane's chain is the scalar one's. */
__attribute__((target("avx512f,avx512dq"))) static void window_hashes_avx512(const uint32_t *codepoints,
                                                                            int64_t n_windows, int64_t width,
                                                                            uint64_t salt, uint32_t *out)
{
    const __m512i prime = _mm512_set1_epi64((long long)0x9E3779B97F4A7C15ULL);
    const __m512i m1 = _mm512_set1_epi64((long long)0xFF51AFD7ED558CCDULL);
    const __m512i m2 = _mm512_set1_epi64((long long)0xC4CEB9FE1A85EC53ULL);
    const __m512i start = _mm512_set1_epi64((long long)salt);
    int64_t i = 0;
    for (; i + 8 <= n_windows; i += 8) {
        __m512i h = start;
        for (int64_t j = 0; j < width; j++) {
            __m512i c = _mm512_cvtepu32_epi64(_mm256_loadu_si256((const __m256i *)(codepoints + i + j)));
            h = _mm512_add_epi64(_mm512_mullo_epi64(h, prime), c);
        }
        h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 33));
        h = _mm512_mullo_epi64(h, m1);
        h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 33));
        h = _mm512_mullo_epi64(h, m2);
        h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 33));
        _mm256_storeu_si256((__m256i *)(out + i), _mm512_cvtepi64_epi32(_mm512_srli_epi64(h, 32)));
    }
    window_hashes_scalar(codepoints + i, n_windows - i, width, salt, out + i);
}
#endif

static window_fn pick_window(void)
{
#ifdef HAVE_AVX2
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return window_hashes_avx512;
#endif
    return window_hashes_scalar;
}

static window_fn window_hashes = window_hashes_scalar; /* the fastest this CPU runs, set when the module loads */

/*
 * The shingle token hashes of every unit (dedup/shingle.py's shingle_hashes): a unit of L >= width code points
 * has its L - width + 1 windows, hashed with the salt of width; a unit of 0 < L < width one shingle, itself,
 * hashed with the salt of L; an empty unit none. Unit u's hashes go to out[shingle_offsets[u]:...].
 */
static void unit_window_hashes(const uint32_t *codepoints, const int64_t *offsets, const int64_t *shingle_offsets,
                               Py_ssize_t n_units, int64_t width, uint64_t salt_mul, uint64_t salt_add, uint32_t *out)
{
    const uint64_t long_salt = (uint64_t)width * salt_mul + salt_add;
    for (Py_ssize_t u = 0; u < n_units; u++) {
        int64_t length = offsets[u + 1] - offsets[u];
        if (length >= width)
            window_hashes(codepoints + offsets[u], length - width + 1, width, long_salt, out + shingle_offsets[u]);
        else if (length > 0)
            window_hashes_scalar(codepoints + offsets[u], 1, length, (uint64_t)length * salt_mul + salt_add,
                                 out + shingle_offsets[u]);
    }
}

static PyObject *py_unit_window_hashes(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *off_o, *soff_o, *out_o;
    long long width;
    unsigned long long salt_mul, salt_add;
    if (!PyArg_ParseTuple(args, "OOOLKKO", &cp_o, &off_o, &soff_o, &width, &salt_mul, &salt_add, &out_o)) return NULL;
    held_buffer cp = {0}, off = {0}, soff = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{cp_o, &cp, 4, "codepoints"}, {off_o, &off, 8, "offsets"},
                                    {soff_o, &soff, 8, "shingle_offsets"}, {out_o, &out, 4, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n_units = off.view.len / 8 - 1;
    const int64_t *offsets = (const int64_t *)off.view.buf, *shingles = (const int64_t *)soff.view.buf;
    if (out.view.readonly || width < 1 || n_units < 0 || soff.view.len != off.view.len) {
        PyErr_SetString(PyExc_ValueError, "out must be writable, width >= 1, one shingle offset a unit offset");
        goto done;
    }
    if (check_offsets(offsets, n_units, cp.view.len / 4) < 0) goto done;
    if (n_units >= 0 && (shingles[0] != 0 || shingles[n_units] != out.view.len / 4)) goto bad_shingles;
    for (Py_ssize_t u = 0; u < n_units; u++) {
        int64_t length = offsets[u + 1] - offsets[u];
        int64_t count = length >= width ? length - width + 1 : (length > 0);
        if (shingles[u + 1] - shingles[u] != count) goto bad_shingles;
    }
    Py_BEGIN_ALLOW_THREADS
    unit_window_hashes((const uint32_t *)cp.view.buf, offsets, shingles, n_units, (int64_t)width,
                       (uint64_t)salt_mul, (uint64_t)salt_add, (uint32_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
    goto done;
bad_shingles:
    PyErr_SetString(PyExc_ValueError, "shingle_offsets must count each unit's shingles, from 0 to len(out)");
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

static PyObject *py_window_hashes(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *out_o;
    long long width;
    unsigned long long salt;
    if (!PyArg_ParseTuple(args, "OLKO", &cp_o, &width, &salt, &out_o)) return NULL;
    held_buffer cp = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{cp_o, &cp, 4, "codepoints"}, {out_o, &out, 4, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n = cp.view.len / 4, n_windows = n - (Py_ssize_t)width + 1;
    if (out.view.readonly || width < 1 || n_windows < 0 || out.view.len / 4 != n_windows) {
        PyErr_SetString(PyExc_ValueError, "out must be writable, with one slot per window of width >= 1");
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    window_hashes((const uint32_t *)cp.view.buf, n_windows, width, (uint64_t)salt, (uint32_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * Centre clustering: nodes are visited in the order given (highest priority first); an
 * unassigned node becomes a centre and takes every still-unassigned neighbour as a member.
 * centre[u] is u for a centre (and for a node without neighbours), else the centre it
 * joined; the adjacency is CSR (indptr [n + 1], indices), both directions present.
 */
static void center_labels(const int64_t *order, const int64_t *indptr, const int64_t *indices, int64_t n,
                          int64_t *centre)
{
    for (int64_t u = 0; u < n; u++) centre[u] = -1;
    for (int64_t k = 0; k < n; k++) {
        int64_t u = order[k];
        if (centre[u] >= 0) continue;
        centre[u] = u;
        for (int64_t e = indptr[u]; e < indptr[u + 1]; e++) {
            int64_t v = indices[e];
            if (centre[v] < 0) centre[v] = u;
        }
    }
}

static PyObject *py_center_labels(PyObject *self, PyObject *args)
{
    PyObject *order_o, *indptr_o, *indices_o, *out_o;
    if (!PyArg_ParseTuple(args, "OOOO", &order_o, &indptr_o, &indices_o, &out_o)) return NULL;
    held_buffer od = {0}, ip = {0}, ix = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{order_o, &od, 8, "order"}, {indptr_o, &ip, 8, "indptr"},
                                    {indices_o, &ix, 8, "indices"}, {out_o, &out, 8, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly) {
        PyErr_SetString(PyExc_ValueError, "out must be writable");
        goto done;
    }
    Py_ssize_t n = od.view.len / 8, n_edges = ix.view.len / 8;
    if (ip.view.len / 8 != n + 1 || out.view.len / 8 != n) {
        PyErr_SetString(PyExc_ValueError, "shape mismatch between order, indptr and out");
        goto done;
    }
    const int64_t *order = (const int64_t *)od.view.buf, *indptr = (const int64_t *)ip.view.buf,
                  *indices = (const int64_t *)ix.view.buf;
    if (check_offsets(indptr, n, n_edges) < 0) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (order[i] < 0 || order[i] >= n) {
            PyErr_SetString(PyExc_IndexError, "order holds a node out of range");
            goto done;
        }
    }
    for (Py_ssize_t i = 0; i < n_edges; i++) {
        if (indices[i] < 0 || indices[i] >= n) {
            PyErr_SetString(PyExc_IndexError, "indices hold a node out of range");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    center_labels(order, indptr, indices, n, (int64_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * Stable sorts of 64-bit keys (dedup.arrays.stable_order, sorted_values): an LSD radix sort of
 * 11-bit digits, all six digits' counts from one pass over a column, a digit that every key
 * shares skipped (small ids, a band number: one or two passes instead of six). numpy's sorts
 * of int64 compare, about 45 ns a key on this project's machines; a pass here moves each key
 * once. Rows are ordered by several columns, the last first (the least significant): each
 * column is gathered in the order the earlier passes left, then sorted stably.
 */
#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)
#define RADIX_DIGITS 6

/* Counts of each digit of keys[0:n], and which digits differ between keys (bit d: digit d). */
static int radix_counts(const uint64_t *keys, int64_t n, int64_t (*count)[RADIX_SIZE])
{
    uint64_t any = 0, all = ~(uint64_t)0;
    memset(count, 0, RADIX_DIGITS * sizeof *count);
    for (int64_t i = 0; i < n; i++) {
        uint64_t v = keys[i];
        any |= v;
        all &= v;
        for (int d = 0; d < RADIX_DIGITS; d++) count[d][(v >> (d * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
    }
    int varying = 0;
    for (int d = 0; d < RADIX_DIGITS; d++)
        if (((any & ~all) >> (d * RADIX_BITS)) & (RADIX_SIZE - 1)) varying |= 1 << d;
    return varying;
}

/* Stable passes over the varying digits: keys[0] and, when index is not NULL, index[0] sorted, each pass
 * moving them into keys[1] and index[1] and swapping the pointers (the result is in keys[0], index[0]). */
static void radix_passes(uint64_t **keys, int64_t **index, int64_t n, int varying, int64_t (*count)[RADIX_SIZE])
{
    for (int d = 0; d < RADIX_DIGITS; d++) {
        if (!(varying >> d & 1)) continue;
        int64_t at = 0, *c = count[d];
        for (int b = 0; b < RADIX_SIZE; b++) {
            int64_t here = c[b];
            c[b] = at;
            at += here;
        }
        const int shift = d * RADIX_BITS;
        const uint64_t *src = keys[0];
        uint64_t *dst = keys[1];
        if (index != NULL) {
            const int64_t *isrc = index[0];
            int64_t *idst = index[1];
            for (int64_t i = 0; i < n; i++) {
                int64_t to = c[(src[i] >> shift) & (RADIX_SIZE - 1)]++;
                dst[to] = src[i];
                idst[to] = isrc[i];
            }
            index[0] = idst;
            index[1] = (int64_t *)isrc;
        } else {
            for (int64_t i = 0; i < n; i++) dst[c[(src[i] >> shift) & (RADIX_SIZE - 1)]++] = src[i];
        }
        keys[1] = (uint64_t *)src;
        keys[0] = dst;
    }
}

/* out = the stable order of n rows by columns[0..n_columns) (columns[0] most significant). scratch holds 2n
 * keys and n indices. */
static void radix_order(const uint64_t *const *columns, int n_columns, int64_t n, int64_t *out, uint64_t *scratch,
                        int64_t (*count)[RADIX_SIZE])
{
    uint64_t *keys[2] = {scratch, scratch + n};
    int64_t *index[2] = {out, (int64_t *)(scratch + 2 * n)};
    for (int64_t i = 0; i < n; i++) out[i] = i;
    for (int c = n_columns - 1; c >= 0; c--) {
        const uint64_t *column = columns[c];
        for (int64_t i = 0; i < n; i++) keys[0][i] = column[index[0][i]];
        radix_passes(keys, index, n, radix_counts(keys[0], n, count), count);
    }
    if (index[0] != out) memcpy(out, index[0], (size_t)n * sizeof(int64_t));
}

/* out = keys[0..n) sorted (scratch holds n keys). */
static void radix_sorted(const uint64_t *values, int64_t n, uint64_t *out, uint64_t *scratch,
                         int64_t (*count)[RADIX_SIZE])
{
    uint64_t *keys[2] = {out, scratch};
    memcpy(out, values, (size_t)n * sizeof(uint64_t));
    radix_passes(keys, NULL, n, radix_counts(out, n, count), count);
    if (keys[0] != out) memcpy(out, keys[0], (size_t)n * sizeof(uint64_t));
}

/* The radix sorts' scratch: words uint64 keys (and one) and the digit counts; -1 with a MemoryError if either fails
 * (the caller frees both). */
static int radix_scratch(Py_ssize_t words, uint64_t **scratch, int64_t (**count)[RADIX_SIZE])
{
    *scratch = (uint64_t *)PyMem_RawMalloc((size_t)(words + 1) * sizeof(uint64_t));
    *count = PyMem_RawMalloc(RADIX_DIGITS * sizeof **count);
    if (*scratch == NULL || *count == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

#define MAX_ORDER_COLUMNS 4

static PyObject *py_radix_order(PyObject *self, PyObject *args)
{
    PyObject *columns_o, *out_o;
    if (!PyArg_ParseTuple(args, "O!O", &PyTuple_Type, &columns_o, &out_o)) return NULL;
    Py_ssize_t n_columns = PyTuple_GET_SIZE(columns_o);
    if (n_columns < 1 || n_columns > MAX_ORDER_COLUMNS) {
        PyErr_Format(PyExc_ValueError, "radix_order takes 1 to %d columns, got %zd", MAX_ORDER_COLUMNS, n_columns);
        return NULL;
    }
    held_buffer col[MAX_ORDER_COLUMNS] = {{{0}}}, out = {0};
    wanted_buffer wanted[MAX_ORDER_COLUMNS + 1] = {{out_o, &out, 8, "out"}};
    for (Py_ssize_t c = 0; c < MAX_ORDER_COLUMNS; c++)
        wanted[c + 1] = (wanted_buffer){c < n_columns ? PyTuple_GET_ITEM(columns_o, c) : NULL, &col[c], 8, "column"};
    PyObject *result = NULL;
    uint64_t *scratch = NULL;
    int64_t(*count)[RADIX_SIZE] = NULL;
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n = out.view.len / 8;
    if (out.view.readonly) {
        PyErr_SetString(PyExc_ValueError, "out must be writable");
        goto done;
    }
    const uint64_t *columns[MAX_ORDER_COLUMNS];
    for (Py_ssize_t c = 0; c < n_columns; c++) {
        if (col[c].view.len / 8 != n) {
            PyErr_SetString(PyExc_ValueError, "every column must have as many rows as out");
            goto done;
        }
        columns[c] = (const uint64_t *)col[c].view.buf;
    }
    if (radix_scratch(3 * n, &scratch, &count) < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    radix_order(columns, (int)n_columns, n, (int64_t *)out.view.buf, scratch, count);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(scratch);
    PyMem_RawFree(count);
    release_all(wanted, COUNT(wanted));
    return result;
}

static PyObject *py_radix_sorted(PyObject *self, PyObject *args)
{
    PyObject *values_o, *out_o;
    if (!PyArg_ParseTuple(args, "OO", &values_o, &out_o)) return NULL;
    held_buffer values = {0}, out = {0};
    const wanted_buffer wanted[] = {{values_o, &values, 8, "values"}, {out_o, &out, 8, "out"}};
    PyObject *result = NULL;
    uint64_t *scratch = NULL;
    int64_t(*count)[RADIX_SIZE] = NULL;
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n = values.view.len / 8;
    if (out.view.readonly || out.view.len / 8 != n) {
        PyErr_SetString(PyExc_ValueError, "out must be writable and as long as values");
        goto done;
    }
    if (radix_scratch(n, &scratch, &count) < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    radix_sorted((const uint64_t *)values.view.buf, n, (uint64_t *)out.view.buf, scratch, count);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(scratch);
    PyMem_RawFree(count);
    release_all(wanted, COUNT(wanted));
    return result;
}

/* splitmix64's finalizer: a 64-bit key mixed into a table slot */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/*
 * Which keys equal another key of their block (blocks of `block` consecutive keys, the last maybe shorter; a key
 * is compared only with the keys of its block): out[i] = 1 for those, 0 for the others. One open-addressing table
 * of key indices (`slots`, a power of two of them, more than twice n), probed linearly from a mix of the key and
 * its block; an equal key of the block marks both. The band keys dedup.lsh.candidate_pairs groups are mostly
 * alone in their bucket: it then sorts only the marked ones.
 */
static void shared_keys(const uint64_t *keys, int64_t n, int64_t block, int32_t *slots, int64_t n_slots,
                        uint8_t *out)
{
    const uint64_t mask = (uint64_t)n_slots - 1;
    for (int64_t s = 0; s < n_slots; s++) slots[s] = -1;
    memset(out, 0, (size_t)n);
    for (int64_t lo = 0, b = 0; lo < n; lo += block, b++) {
        const int64_t hi = lo + block < n ? lo + block : n;
        const uint64_t salt = (uint64_t)(b + 1) * 0x9E3779B97F4A7C15ULL;
        for (int64_t i = lo; i < hi; i++) {
            uint64_t s = mix64(keys[i] ^ salt) & mask;
            for (;;) {
                const int32_t j = slots[s];
                if (j < 0) {
                    slots[s] = (int32_t)i;
                    break;
                }
                if (j >= lo && keys[j] == keys[i]) { /* slots of earlier blocks hold indices below lo */
                    out[j] = 1;
                    out[i] = 1;
                    break;
                }
                s = (s + 1) & mask;
            }
        }
    }
}

static PyObject *py_shared_keys(PyObject *self, PyObject *args)
{
    PyObject *keys_o, *out_o;
    Py_ssize_t block;
    if (!PyArg_ParseTuple(args, "OnO", &keys_o, &block, &out_o)) return NULL;
    held_buffer keys = {0}, out = {0};
    const wanted_buffer wanted[] = {{keys_o, &keys, 8, "keys"}, {out_o, &out, 1, "out"}};
    PyObject *result = NULL;
    int32_t *slots = NULL;
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n = keys.view.len / 8;
    if (out.view.readonly || out.view.len != n || block < 1 || n >= INT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "shared_keys: out writable [n] bytes, block >= 1, n < 2**30");
        goto done;
    }
    int64_t n_slots = 16;
    while (n_slots < 2 * (int64_t)n + 1) n_slots *= 2;
    slots = PyMem_RawMalloc((size_t)n_slots * sizeof(int32_t));
    if (slots == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    shared_keys((const uint64_t *)keys.view.buf, n, block, slots, n_slots, (uint8_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(slots);
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * dedup.webpage.topic.topic_overlap's counts, page by page. Page p's tokens are the ranges [bounds[j, p],
 * bounds[j, p + 1]) of keys and line, j over the k parts; a key's tokens of a page come with non-decreasing lines
 * (in the parts' order). For every line: tokens[line] = its distinct keys, found[line] = those of them that a core
 * line of its page other than itself holds (core: uint8 [m]). A small hash table a page, cleared after it.
 */
typedef struct {
    uint64_t key;
    int64_t entry; /* -1: empty */
} topic_slot;

typedef struct {
    int64_t last_core, last_line, slot;
    int64_t core_lines;
} topic_entry;

static void topic_counts(const uint64_t *keys, const int64_t *line, const int64_t *bounds, int64_t k, int64_t pages,
                         const uint8_t *core, topic_slot *slots, topic_entry *entries, int32_t *entry_of,
                         double *tokens, double *found)
{
    for (int64_t p = 0; p < pages; p++) {
        int64_t size = 0; /* tokens of the page */
        for (int64_t j = 0; j < k; j++) size += bounds[j * (pages + 1) + p + 1] - bounds[j * (pages + 1) + p];
        uint64_t mask = 15;
        while ((int64_t)mask < 2 * size) mask = mask * 2 + 1; /* the page's own table: small pages stay in cache */
        int64_t n = 0, at = 0; /* entries of the page, its tokens seen */
        for (int64_t j = 0; j < k; j++) {
            const int64_t *b = bounds + j * (pages + 1);
            for (int64_t i = b[p]; i < b[p + 1]; i++, at++) {
                const uint64_t key = keys[i];
                uint64_t s = mix64(key) & mask;
                while (slots[s].entry >= 0 && slots[s].key != key) s = (s + 1) & mask;
                topic_entry *entry;
                if (slots[s].entry < 0) {
                    slots[s].key = key;
                    slots[s].entry = n;
                    entry = entries + n++;
                    entry->last_core = entry->last_line = -1;
                    entry->slot = (int64_t)s;
                    entry->core_lines = 0;
                } else {
                    entry = entries + slots[s].entry;
                }
                entry_of[at] = (int32_t)(entry - entries);
                if (core[line[i]] && entry->last_core != line[i]) {
                    entry->last_core = line[i];
                    entry->core_lines++;
                }
            }
        }
        at = 0;
        for (int64_t j = 0; j < k; j++) {
            const int64_t *b = bounds + j * (pages + 1);
            for (int64_t i = b[p]; i < b[p + 1]; i++, at++) {
                topic_entry *entry = entries + entry_of[at];
                const int64_t l = line[i];
                if (entry->last_line == l) continue; /* a repeat of the token on its line */
                entry->last_line = l;
                tokens[l] += 1.0;
                if (entry->core_lines - (core[l] ? 1 : 0) > 0) found[l] += 1.0;
            }
        }
        for (int64_t e = 0; e < n; e++) slots[entries[e].slot].entry = -1;
    }
}

static PyObject *py_topic_counts(PyObject *self, PyObject *args)
{
    PyObject *keys_o, *line_o, *bounds_o, *core_o, *tokens_o, *found_o;
    Py_ssize_t k;
    if (!PyArg_ParseTuple(args, "OOOnOOO", &keys_o, &line_o, &bounds_o, &k, &core_o, &tokens_o, &found_o)) return NULL;
    held_buffer keys = {0}, line = {0}, bounds = {0}, core = {0}, tokens = {0}, found = {0};
    const wanted_buffer wanted[] = {{keys_o, &keys, 8, "keys"},     {line_o, &line, 8, "line"},
                                    {bounds_o, &bounds, 8, "bounds"}, {core_o, &core, 1, "core"},
                                    {tokens_o, &tokens, 8, "tokens"}, {found_o, &found, 8, "found"}};
    PyObject *result = NULL;
    int32_t *entry_of = NULL;
    topic_slot *slots = NULL;
    topic_entry *entries = NULL;
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    const Py_ssize_t t = keys.view.len / 8, m = core.view.len, n_bounds = bounds.view.len / 8;
    if (line.view.len / 8 != t || k < 1 || n_bounds % k != 0 || n_bounds / k < 1 || tokens.view.len / 8 != m ||
        found.view.len / 8 != m || tokens.view.readonly || found.view.readonly || t >= INT32_MAX / 2) {
        PyErr_SetString(PyExc_ValueError, "topic_counts: line as keys, bounds [k, pages + 1], tokens and found "
                                          "writable [m], fewer than 2**30 tokens");
        goto done;
    }
    const int64_t pages = n_bounds / k - 1;
    const int64_t *b = (const int64_t *)bounds.view.buf;
    const int64_t *l = (const int64_t *)line.view.buf;
    int64_t most = 0;
    for (int64_t p = 0; p < pages; p++) {
        int64_t n = 0;
        for (int64_t j = 0; j < k; j++) {
            const int64_t lo = b[j * (pages + 1) + p], hi = b[j * (pages + 1) + p + 1];
            if (lo < 0 || hi < lo || hi > t) {
                PyErr_SetString(PyExc_ValueError, "topic_counts: bounds out of order or out of range of the tokens");
                goto done;
            }
            n += hi - lo;
        }
        if (n > most) most = n;
    }
    for (Py_ssize_t i = 0; i < t; i++) {
        if (l[i] < 0 || l[i] >= m) {
            PyErr_SetString(PyExc_ValueError, "topic_counts: a token's line out of range");
            goto done;
        }
    }
    int64_t n_slots = 16;
    while (n_slots < 2 * most + 1) n_slots *= 2;
    slots = PyMem_RawMalloc((size_t)n_slots * sizeof(topic_slot));
    entries = PyMem_RawMalloc((size_t)(most + 1) * sizeof(topic_entry));
    entry_of = PyMem_RawMalloc((size_t)(most + 1) * sizeof(int32_t));
    if (slots == NULL || entries == NULL || entry_of == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (int64_t s = 0; s < n_slots; s++) slots[s].entry = -1;
    Py_BEGIN_ALLOW_THREADS
    topic_counts((const uint64_t *)keys.view.buf, l, b, k, pages, (const uint8_t *)core.view.buf, slots, entries,
                 entry_of, (double *)tokens.view.buf, (double *)found.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(slots);
    PyMem_RawFree(entries);
    PyMem_RawFree(entry_of);
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * XXH3-64 of each string's UTF-8 (lone surrogates encoded as surrogatepass does: three bytes each), the
 * line keys of dedup.lines and the saved index: xxhash.xxh3_64_intdigest(s.encode("utf-8", "surrogatepass")),
 * bit for bit, from xxHash 0.8.4 (dedup/xxhash.h, BSD 2-Clause, dedup/xxhash-LICENSE), without a bytes object
 * and a Python call a string. With head > 0, of each string's first head code points; with tail > 0, of its
 * last tail (all of a shorter string).
 */
#define XXH_INLINE_ALL
#define XXH_STATIC_LINKING_ONLY
#include "xxhash.h"

/* Code points [from, to) of a str of kind as UTF-8 into buf (4 bytes a code point at most): the length. */
static Py_ssize_t utf8_of(int kind, const void *data, Py_ssize_t from, Py_ssize_t to, unsigned char *buf)
{
    unsigned char *p = buf;
    for (Py_ssize_t i = from; i < to; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x80) {
            *p++ = (unsigned char)c;
        } else if (c < 0x800) {
            *p++ = (unsigned char)(0xC0 | (c >> 6));
            *p++ = (unsigned char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            *p++ = (unsigned char)(0xE0 | (c >> 12));
            *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *p++ = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            *p++ = (unsigned char)(0xF0 | (c >> 18));
            *p++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
            *p++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *p++ = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    return p - buf;
}

static PyObject *py_string_hashes(PyObject *self, PyObject *args)
{
    PyObject *strings_o, *out_o;
    Py_ssize_t head, tail;
    if (!PyArg_ParseTuple(args, "OnnO", &strings_o, &head, &tail, &out_o)) return NULL;
    if (head < 0 || tail < 0 || (head > 0 && tail > 0)) {
        PyErr_SetString(PyExc_ValueError, "string_hashes: head and tail must be >= 0, at most one of them > 0");
        return NULL;
    }
    PyObject *strings = PySequence_Fast(strings_o, "string_hashes: strings must be a sequence");
    if (strings == NULL) return NULL;
    held_buffer out = {0};
    const wanted_buffer wanted[] = {{out_o, &out, 8, "out"}};
    PyObject *result = NULL;
    unsigned char *buf = NULL;
    Py_ssize_t capacity = 0, n = PySequence_Fast_GET_SIZE(strings);
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly || out.view.len / 8 != n) {
        PyErr_SetString(PyExc_ValueError, "out must be writable and hold a hash a string");
        goto done;
    }
    uint64_t *hashes = (uint64_t *)out.view.buf;
    PyObject **items = PySequence_Fast_ITEMS(strings);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = items[i];
        if (!PyUnicode_Check(s)) {
            PyErr_Format(PyExc_TypeError, "string_hashes: item %zd is not a str", i);
            goto done;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(s), from = 0, to = length;
        if (head > 0 && head < length) to = head;
        if (tail > 0 && tail < length) from = length - tail;
        if (PyUnicode_IS_ASCII(s)) {
            hashes[i] = XXH3_64bits((const char *)PyUnicode_DATA(s) + from, (size_t)(to - from));
            continue;
        }
        if (4 * (to - from) > capacity) {
            PyMem_RawFree(buf);
            capacity = 4 * (to - from) + 256;
            buf = (unsigned char *)PyMem_RawMalloc((size_t)capacity);
            if (buf == NULL) {
                PyErr_NoMemory();
                goto done;
            }
        }
        Py_ssize_t size = utf8_of(PyUnicode_KIND(s), PyUnicode_DATA(s), from, to, buf);
        hashes[i] = XXH3_64bits(buf, (size_t)size);
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(buf);
    release_all(wanted, COUNT(wanted));
    Py_DECREF(strings);
    return result;
}

/*
 * Boosted regression trees (dedup.webpage.model.LineModel): the value of the leaf each row reaches
 * in each tree, found without walking (QuickScorer's bit vectors, Lucchese et al., SIGIR 2015).
 * A tree's leaves are numbered left to right (at most 32); each of its internal nodes (feature,
 * threshold, mask: [trees, k], the first internal[t] of row t in use) holds the leaves outside its
 * left subtree as set bits. A row goes left at a node when its feature is <= the threshold (NaN
 * goes right): the leaf it reaches is the lowest bit left once every node it would leave rightwards
 * has cleared its left subtree's leaves (the leaves left of the exit are each in the left subtree
 * of a node where the row goes right; the exit is in the left subtree only of nodes where it goes
 * left). So every node is tested, with no dependent loads and no branch: rows are taken in blocks,
 * a node's test is a pass over its feature's column for the block. x is column-major: feature f of
 * row i is x[f * m + i]. out[(i - lo) * trees + t] = leaf_value[t, exit leaf] for rows lo <= i < hi (NaN if
 * masks that are not a tree's clear every leaf).
 */
enum { TREE_BLOCK = 64 };

typedef void (*tree_fn)(const int32_t *, const double *, const uint32_t *, const int32_t *, const double *, int64_t,
                        int64_t, int64_t, const double *, int64_t, int64_t, int64_t, double *);

/* The bits are as wide as a double, so that a block's tests compile to vector compares and ands. */
static inline __attribute__((always_inline)) void tree_leaves_body(
    const int32_t *feature, const double *threshold, const uint32_t *mask, const int32_t *internal,
    const double *leaf_value, int64_t trees, int64_t k, int64_t leaves, const double *x, int64_t m, int64_t lo,
    int64_t hi, double *out)
{
    uint64_t bits[TREE_BLOCK];
    for (int64_t r0 = lo; r0 < hi; r0 += TREE_BLOCK) {
        int64_t nb = hi - r0 < TREE_BLOCK ? hi - r0 : TREE_BLOCK;
        for (int64_t t = 0; t < trees; t++) {
            const uint64_t all = ((uint64_t)1 << (internal[t] + 1)) - 1u; /* the tree's leaves */
            for (int64_t r = 0; r < nb; r++) bits[r] = all;
            const int32_t *f = feature + t * k;
            const double *th = threshold + t * k;
            const uint32_t *mk = mask + t * k;
            for (int64_t j = 0; j < internal[t]; j++) {
                const double *column = x + (int64_t)f[j] * m + r0;
                const double cut = th[j];
                const uint64_t clear = mk[j];
                for (int64_t r = 0; r < nb; r++) bits[r] &= column[r] <= cut ? ~(uint64_t)0 : clear;
            }
            const double *values = leaf_value + t * leaves;
            double *row = out + (r0 - lo) * trees + t;
            for (int64_t r = 0; r < nb; r++) row[r * trees] = bits[r] ? values[__builtin_ctzll(bits[r])] : NAN;
        }
    }
}

static void tree_leaves_scalar(const int32_t *feature, const double *threshold, const uint32_t *mask,
                               const int32_t *internal, const double *leaf_value, int64_t trees, int64_t k,
                               int64_t leaves, const double *x, int64_t m, int64_t lo, int64_t hi, double *out)
{
    tree_leaves_body(feature, threshold, mask, internal, leaf_value, trees, k, leaves, x, m, lo, hi, out);
}

#ifdef HAVE_AVX2
/* The same, compiled for AVX2 (four rows a compare instead of two): 1.5 times as fast on the shipped trees. */
__attribute__((target("avx2"))) static void tree_leaves_avx2(const int32_t *feature, const double *threshold,
                                                             const uint32_t *mask, const int32_t *internal,
                                                             const double *leaf_value, int64_t trees, int64_t k,
                                                             int64_t leaves, const double *x, int64_t m, int64_t lo,
                                                             int64_t hi, double *out)
{
    tree_leaves_body(feature, threshold, mask, internal, leaf_value, trees, k, leaves, x, m, lo, hi, out);
}
#endif

static tree_fn pick_trees(void)
{
#ifdef HAVE_AVX2
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return tree_leaves_avx2;
#endif
    return tree_leaves_scalar;
}

static PyObject *py_tree_leaves(PyObject *self, PyObject *args)
{
    PyObject *feature_o, *threshold_o, *mask_o, *internal_o, *value_o, *x_o, *out_o;
    Py_ssize_t trees, n_features, lo, hi;
    if (!PyArg_ParseTuple(args, "OOOOOnOnnnO", &feature_o, &threshold_o, &mask_o, &internal_o, &value_o, &trees, &x_o,
                          &n_features, &lo, &hi, &out_o))
        return NULL;
    held_buffer fe = {0}, th = {0}, mk = {0}, in = {0}, va = {0}, xb = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{feature_o, &fe, 4, "feature"}, {threshold_o, &th, 8, "threshold"},
                                    {mask_o, &mk, 4, "mask"},       {internal_o, &in, 4, "internal"},
                                    {value_o, &va, 8, "leaf_value"}, {x_o, &xb, 8, "x"},
                                    {out_o, &out, 8, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly) {
        PyErr_SetString(PyExc_ValueError, "out must be writable");
        goto done;
    }
    Py_ssize_t cells = fe.view.len / 4, values = va.view.len / 8;
    if (trees < 1 || n_features < 1 || cells % trees != 0 || th.view.len / 8 != cells || mk.view.len / 4 != cells ||
        in.view.len / 4 != trees || values % trees != 0 || values / trees < 1 || values / trees > 32 ||
        (xb.view.len / 8) % n_features != 0) {
        PyErr_SetString(PyExc_ValueError, "shape mismatch between the tree arrays or x");
        goto done;
    }
    Py_ssize_t k = cells / trees, leaves = values / trees, m = xb.view.len / 8 / n_features;
    if (lo < 0 || hi < lo || hi > m || out.view.len / 8 != (hi - lo) * trees) {
        PyErr_SetString(PyExc_ValueError, "out must hold (hi - lo) x trees values, rows lo:hi of x");
        goto done;
    }
    const int32_t *feature = (const int32_t *)fe.view.buf, *internal = (const int32_t *)in.view.buf;
    const uint32_t *mask = (const uint32_t *)mk.view.buf;
    for (Py_ssize_t t = 0; t < trees; t++) {
        if (internal[t] < 0 || internal[t] > k || internal[t] >= leaves) {
            PyErr_SetString(PyExc_IndexError, "a tree has more internal nodes than its arrays or leaves allow");
            goto done;
        }
        for (Py_ssize_t j = 0; j < internal[t]; j++) {
            if (feature[t * k + j] < 0 || feature[t * k + j] >= n_features) {
                PyErr_SetString(PyExc_IndexError, "a node tests a feature outside x");
                goto done;
            }
        }
    }
    tree_fn leaves_of = pick_trees();
    Py_BEGIN_ALLOW_THREADS
    leaves_of(feature, (const double *)th.view.buf, mask, internal, (const double *)va.view.buf, trees, k, leaves,
              (const double *)xb.view.buf, m, lo, hi, (double *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * Running sums page by page (dedup.webpage.rows.PageRows.prefix): page p is values[bounds[p]:bounds[p + 1]];
 * out[bounds[p] + p + k] is the sum of its first k values, added in order from 0, as np.cumsum of the page
 * alone adds them (out holds m + pages values).
 */
static void page_prefix(const double *values, const int64_t *bounds, int64_t pages, double *out)
{
    for (int64_t p = 0; p < pages; p++) {
        double sum = 0.0;
        out[bounds[p] + p] = 0.0;
        for (int64_t i = bounds[p]; i < bounds[p + 1]; i++) {
            sum += values[i];
            out[i + p + 1] = sum;
        }
    }
}

static PyObject *py_page_prefix(PyObject *self, PyObject *args)
{
    PyObject *values_o, *bounds_o, *out_o;
    if (!PyArg_ParseTuple(args, "OOO", &values_o, &bounds_o, &out_o)) return NULL;
    held_buffer va = {0}, bo = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{values_o, &va, 8, "values"}, {bounds_o, &bo, 8, "bounds"}, {out_o, &out, 8, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t pages = bo.view.len / 8 - 1, m = va.view.len / 8;
    if (out.view.readonly || pages < 0 || out.view.len / 8 != m + pages) {
        PyErr_SetString(PyExc_ValueError, "page_prefix: bounds [pages + 1], out writable [m + pages]");
        goto done;
    }
    const int64_t *bounds = (const int64_t *)bo.view.buf;
    if (bounds[0] != 0 || bounds[pages] != m) {
        PyErr_SetString(PyExc_ValueError, "page_prefix: bounds must run from 0 to m");
        goto done;
    }
    for (Py_ssize_t p = 0; p < pages; p++) {
        if (bounds[p + 1] < bounds[p]) {
            PyErr_SetString(PyExc_ValueError, "page_prefix: bounds must not decrease");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    page_prefix((const double *)va.view.buf, bounds, pages, (double *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * What the paragraph joins read of each line of a batch (dedup.segment.layout._line_features), in one pass over
 * its characters instead of array passes over the whole batch: indent[i] and width[i], the columns of
 * [raw[i], head[i]) and of [raw[i], e[i]) (a character of inline noise 0, a wide one 2, any other 1); punct[i],
 * whether [s[i], e[i]) holds punctuation (a sentence end, a colon or clause mark, or a period before whitespace,
 * a break or the batch's end, or before a wide character when not after a digit), noise aside; fragment[i],
 * whether a sentence end (noise aside) lies in its first fragment + 1 characters.
 */
static void line_layout(const uint16_t *flags, const uint8_t *noise, Py_ssize_t n, const int64_t *raw,
                        const int64_t *head, const int64_t *s, const int64_t *e, Py_ssize_t k, const uint16_t *masks,
                        int64_t fragment, int64_t *columns, uint8_t *marks)
{
    const uint16_t wide = masks[0], term = masks[1], period = masks[2], other = masks[3], space = masks[4],
                   digit = masks[5];
    for (Py_ssize_t i = 0; i < k; i++) {
        int64_t indent = 0, width = 0;
        for (int64_t p = raw[i]; p < e[i]; p++) {
            int64_t c = noise[p] ? 0 : 1 + ((flags[p] & wide) != 0);
            width += c;
            if (p < head[i]) indent += c;
        }
        for (int64_t p = e[i]; p < head[i]; p++) indent += noise[p] ? 0 : 1 + ((flags[p] & wide) != 0);
        uint8_t punct = 0, frag = 0;
        for (int64_t p = s[i]; p < e[i]; p++) {
            if (noise[p]) continue;
            uint16_t f = flags[p];
            if ((f & term) && p - s[i] <= fragment) frag = 1;
            if (f & (term | other)) {
                punct = 1;
            } else if (f & period) {
                uint16_t following = p + 1 < n ? flags[p + 1] : space, preceding = p > 0 ? flags[p - 1] : 0;
                if ((following & space) || ((following & wide) && !(preceding & digit))) punct = 1;
            }
            if (punct && (frag || p - s[i] >= fragment)) break;
        }
        columns[2 * i] = indent;
        columns[2 * i + 1] = width;
        marks[2 * i] = punct;
        marks[2 * i + 1] = frag;
    }
}

static PyObject *py_line_layout(PyObject *self, PyObject *args)
{
    PyObject *fl_o, *no_o, *ra_o, *he_o, *st_o, *en_o, *ma_o, *co_o, *mk_o;
    long long fragment;
    if (!PyArg_ParseTuple(args, "OOOOOOOLOO", &fl_o, &no_o, &ra_o, &he_o, &st_o, &en_o, &ma_o, &fragment, &co_o,
                          &mk_o))
        return NULL;
    held_buffer fl = {0}, no = {0}, ra = {0}, he = {0}, st = {0}, en = {0}, ma = {0}, co = {0}, mk = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{fl_o, &fl, 2, "flags"},  {no_o, &no, 1, "noise"},  {ra_o, &ra, 8, "raw"},
                                    {he_o, &he, 8, "head"},   {st_o, &st, 8, "starts"}, {en_o, &en, 8, "ends"},
                                    {ma_o, &ma, 2, "masks"},  {co_o, &co, 8, "columns"}, {mk_o, &mk, 1, "marks"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n = fl.view.len / 2, k = st.view.len / 8;
    if (no.view.len != n || ra.view.len / 8 != k || he.view.len / 8 != k || en.view.len / 8 != k ||
        ma.view.len / 2 != 6 || co.view.readonly || co.view.len / 8 != 2 * k || mk.view.readonly ||
        mk.view.len != 2 * k || fragment < 0) {
        PyErr_SetString(PyExc_ValueError, "line_layout: noise [n], lines [k] each, masks [6], columns and marks "
                                          "writable [k, 2], fragment >= 0");
        goto done;
    }
    const int64_t *raw = (const int64_t *)ra.view.buf, *head = (const int64_t *)he.view.buf;
    const int64_t *s = (const int64_t *)st.view.buf, *e = (const int64_t *)en.view.buf;
    if (check_lines(s, e, k, n, "line_layout") < 0) goto done;
    for (Py_ssize_t i = 0; i < k; i++) {
        if (raw[i] < 0 || raw[i] > head[i] || raw[i] > e[i] || head[i] > n) {
            PyErr_SetString(PyExc_ValueError, "line_layout: a line's raw start after its head or end");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    line_layout((const uint16_t *)fl.view.buf, (const uint8_t *)no.view.buf, n, raw, head, s, e, k,
                (const uint16_t *)ma.view.buf, (int64_t)fragment, (int64_t *)co.view.buf, (uint8_t *)mk.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * Per-line counts of character classes. out[i * 16 + b] is the number of positions p in
 * [starts[i], ends[i]) whose table[codepoints[p]] has bit b (0..14) set (a code point beyond
 * the table has none); out[i * 16 + 15] is the number of runs of positions with bit run_bit
 * that start in the line (at its first position or after a position without the bit), 0 when
 * run_bit < 0.
 */
/* spread_bits[v]: byte k is bit k of v, so that adding spread values counts each bit in a byte. */
static uint64_t spread_bits[256];

static void init_spread_bits(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t x = 0;
        for (unsigned k = 0; k < 8; k++) x |= (uint64_t)((v >> k) & 1u) << (8 * k);
        spread_bits[v] = x;
    }
}

static void add_bytes(int64_t *row, uint64_t packed, int n)
{
    for (int k = 0; k < n; k++) row[k] += (int64_t)((packed >> (8 * k)) & 0xFFu);
}

static void class_counts(const uint32_t *cps, const int64_t *starts, const int64_t *ends, int64_t m,
                         const uint16_t *table, int64_t table_size, int run_bit, int64_t *out)
{
    for (int64_t i = 0; i < m; i++) {
        int64_t *row = out + i * 16;
        for (int b = 0; b < 16; b++) row[b] = 0;
        unsigned prev = 0;
        uint64_t low = 0, high = 0; /* bits 0..7 and 8..14, one byte counter each, flushed before overflow */
        int pending = 0;
        for (int64_t p = starts[i]; p < ends[i]; p++) {
            unsigned t = (int64_t)cps[p] < table_size ? table[cps[p]] : 0;
            if (run_bit >= 0) {
                unsigned now = (t >> run_bit) & 1u;
                row[15] += now & (prev ^ 1u);
                prev = now;
            }
            low += spread_bits[t & 0xFFu];
            high += spread_bits[(t >> 8) & 0x7Fu];
            if (++pending == 255) {
                add_bytes(row, low, 8);
                add_bytes(row + 8, high, 7);
                low = high = 0;
                pending = 0;
            }
        }
        add_bytes(row, low, 8);
        add_bytes(row + 8, high, 7);
    }
}

static PyObject *py_class_counts(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *st_o, *en_o, *tb_o, *out_o;
    int run_bit;
    if (!PyArg_ParseTuple(args, "OOOOiO", &cp_o, &st_o, &en_o, &tb_o, &run_bit, &out_o)) return NULL;
    held_buffer cp = {0}, st = {0}, en = {0}, tb = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{cp_o, &cp, 4, "codepoints"}, {st_o, &st, 8, "starts"}, {en_o, &en, 8, "ends"},
                                    {tb_o, &tb, 2, "table"}, {out_o, &out, 8, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n = cp.view.len / 4, m = st.view.len / 8;
    if (en.view.len / 8 != m || out.view.readonly || out.view.len / 8 != 16 * m || run_bit > 15) {
        PyErr_SetString(PyExc_ValueError, "class_counts: ends as starts, out writable [m, 16], run_bit <= 15");
        goto done;
    }
    const int64_t *s = (const int64_t *)st.view.buf, *e = (const int64_t *)en.view.buf;
    if (check_lines(s, e, m, n, "class_counts") < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    class_counts((const uint32_t *)cp.view.buf, s, e, m, (const uint16_t *)tb.view.buf, tb.view.len / 2, run_bit,
                 (int64_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * cps with each maximal run of positions whose table bits hold `member` (and, with `only` non-zero, that
 * holds a position with `only`) replaced by the one code point `to`: slot masking of line views (digit runs,
 * Latin tokens), which numpy makes in several passes over temporaries of the batch. Returns out's length.
 */
static int64_t collapse_runs(const uint32_t *cps, int64_t n, const uint8_t *table, int64_t table_size,
                             unsigned member, unsigned only, uint32_t to, uint32_t *out)
{
    int64_t w = 0, i = 0;
    while (i < n) {
        unsigned t = (int64_t)cps[i] < table_size ? table[cps[i]] : 0;
        if (!(t & member)) {
            out[w++] = cps[i++];
            continue;
        }
        int64_t j = i;
        int chosen = only == 0;
        while (j < n) {
            unsigned u = (int64_t)cps[j] < table_size ? table[cps[j]] : 0;
            if (!(u & member)) break;
            chosen |= (u & only) != 0;
            j++;
        }
        if (chosen) {
            out[w++] = to;
        } else {
            for (int64_t k = i; k < j; k++) out[w++] = cps[k];
        }
        i = j;
    }
    return w;
}

static PyObject *py_collapse_runs(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *tb_o, *out_o;
    unsigned int member, only, to;
    if (!PyArg_ParseTuple(args, "OOIIIO", &cp_o, &tb_o, &member, &only, &to, &out_o)) return NULL;
    held_buffer cp = {0}, tb = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{cp_o, &cp, 4, "codepoints"}, {tb_o, &tb, 1, "table"}, {out_o, &out, 4, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly || out.view.len < cp.view.len) {
        PyErr_SetString(PyExc_ValueError, "collapse_runs: out writable and as long as the code points");
        goto done;
    }
    int64_t written;
    Py_BEGIN_ALLOW_THREADS
    written = collapse_runs((const uint32_t *)cp.view.buf, cp.view.len / 4, (const uint8_t *)tb.view.buf,
                            tb.view.len, member, only, (uint32_t)to, (uint32_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = PyLong_FromLongLong(written);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * cps with each quoted name replaced by the one code point `to`: an `open` character, 1 to `most` characters none
 * of which is `stop`, then a `close` character (bits of `table`, uint8 by code point; code points past its end
 * have none), scanned left to right as re.sub scans dedup.linemarks._QUOTED — after a match at its closer's next
 * character, after an opener that starts none at the next one. Every closer must be a stop character (the caller
 * checks): the run of non-stop characters after an opener is then the only candidate, and it matches when it is 1
 * to `most` long and a closer follows it. Returns out's length.
 */
static int64_t mask_quoted(const uint32_t *cps, int64_t n, const uint8_t *table, int64_t table_size, unsigned open,
                           unsigned close, unsigned stop, int64_t most, uint32_t to, uint32_t *out)
{
#define BITS(c) ((int64_t)(c) < table_size ? table[(c)] : 0u)
    int64_t w = 0, i = 0;
    while (i < n) {
        if (BITS(cps[i]) & open) {
            int64_t j = i + 1;
            const int64_t limit = i + 1 + most < n ? i + 1 + most : n;
            while (j < limit && !(BITS(cps[j]) & stop)) j++;
            if (j > i + 1 && j < n && (BITS(cps[j]) & close)) {
                out[w++] = to;
                i = j + 1;
                continue;
            }
        }
        out[w++] = cps[i++];
    }
    return w;
#undef BITS
}

static PyObject *py_mask_quoted(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *tb_o, *out_o;
    unsigned int open, close, stop, to;
    Py_ssize_t most;
    if (!PyArg_ParseTuple(args, "OOIIInIO", &cp_o, &tb_o, &open, &close, &stop, &most, &to, &out_o)) return NULL;
    held_buffer cp = {0}, tb = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{cp_o, &cp, 4, "codepoints"}, {tb_o, &tb, 1, "table"}, {out_o, &out, 4, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    if (out.view.readonly || out.view.len < cp.view.len || most < 1) {
        PyErr_SetString(PyExc_ValueError, "mask_quoted: out writable and as long as the code points, most >= 1");
        goto done;
    }
    int64_t written;
    Py_BEGIN_ALLOW_THREADS
    written = mask_quoted((const uint32_t *)cp.view.buf, cp.view.len / 4, (const uint8_t *)tb.view.buf, tb.view.len,
                          open, close, stop, most, (uint32_t)to, (uint32_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = PyLong_FromLongLong(written);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * Which lines hold a literal of each set: out[set, line] = 1 when some literal of the set occurs within
 * [starts[line], ends[line]) of the code points. Literals are sorted by their first code point, then those of
 * one code point first, then by their second: `first_index[c]` is the rank of c among the first code points
 * (-1 for none, so most positions are rejected with one load), `first_at` bounds each one's literals, and a
 * binary search on the second code point leaves the few literals a position can start.
 * The prefilter of dedup/literals.py: a line without any literal of a pattern's set cannot match it.
 */
enum { PREFIX_HASH_BITS = 17 };

/* A slot of a bitmap of literals' first code points: a multiplicative hash of two of them, or of three. */
static inline uint32_t prefix_slot(uint32_t c0, uint32_t c1, uint32_t c2)
{
    return ((((c0 * 0x9E3779B1u) ^ c1) * 0x85EBCA6Bu) ^ c2) * 0xC2B2AE35u >> (32 - PREFIX_HASH_BITS);
}

static inline int prefix_bit(const uint8_t *bits, uint32_t slot) { return bits[slot >> 3] >> (slot & 7) & 1; }

static void literal_lines(const uint32_t *cps, const int64_t *s, const int64_t *e, Py_ssize_t m,
                          const int32_t *first_index, int64_t table_size, const int64_t *first_at, const uint32_t *lit,
                          const int64_t *lit_at, Py_ssize_t k, const int32_t *lit_set, uint8_t *out)
{
    /* Which prefixes start a literal, as bits of two hashed bitmaps: the pairs of code points that are a literal
     * of two, and the first three of the longer literals. A position whose pair and triple have no bit set starts
     * no literal of two or more (Latin text starts a literal's first code point at most letters, 76 % of the
     * positions of the 916 labelled web pages' short lines, but a literal's pair or triple at 7 %), so the binary
     * search is left for the others. Without the bitmaps (no memory), every position is searched. */
    uint8_t *pair_bits = calloc((size_t)2 << (PREFIX_HASH_BITS - 3), 1);
    uint8_t *triple_bits = pair_bits == NULL ? NULL : pair_bits + ((size_t)1 << (PREFIX_HASH_BITS - 3));
    if (pair_bits != NULL) {
        for (Py_ssize_t j = 0; j < k; j++) {
            int64_t len = lit_at[j + 1] - lit_at[j];
            if (len < 2) continue;
            const uint32_t *l = lit + lit_at[j];
            uint32_t slot = prefix_slot(l[0], l[1], len == 2 ? 0 : l[2]);
            (len == 2 ? pair_bits : triple_bits)[slot >> 3] |= (uint8_t)(1u << (slot & 7));
        }
    }
    for (Py_ssize_t i = 0; i < m; i++) {
        for (int64_t p = s[i]; p < e[i]; p++) {
            uint32_t c = cps[p];
            if ((int64_t)c >= table_size || first_index[c] < 0) continue;
            int64_t j = first_at[first_index[c]], end = first_at[first_index[c] + 1];
            for (; j < end && lit_at[j + 1] - lit_at[j] == 1; j++) out[(Py_ssize_t)lit_set[j] * m + i] = 1;
            if (j == end || p + 1 >= e[i]) continue;
            uint32_t c1 = cps[p + 1];
            if (pair_bits != NULL && !prefix_bit(pair_bits, prefix_slot(c, c1, 0)) &&
                (p + 2 >= e[i] || !prefix_bit(triple_bits, prefix_slot(c, c1, cps[p + 2]))))
                continue;
            int64_t a = j, b = end;
            while (a < b) {
                int64_t mid = a + (b - a) / 2;
                if (lit[lit_at[mid] + 1] < c1) a = mid + 1; else b = mid;
            }
            for (j = a; j < end && lit[lit_at[j] + 1] == c1; j++) {
                uint8_t *o = out + (Py_ssize_t)lit_set[j] * m + i;
                int64_t len = lit_at[j + 1] - lit_at[j];
                if (*o || p + len > e[i]) continue;
                if (memcmp(cps + p + 2, lit + lit_at[j] + 2, (size_t)(len - 2) * 4) == 0) *o = 1;
            }
        }
    }
    free(pair_bits);
}

static PyObject *py_literal_lines(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *st_o, *en_o, *fx_o, *fa_o, *li_o, *la_o, *ls_o, *out_o;
    if (!PyArg_ParseTuple(args, "OOOOOOOOO", &cp_o, &st_o, &en_o, &fx_o, &fa_o, &li_o, &la_o, &ls_o, &out_o))
        return NULL;
    held_buffer cp = {0}, st = {0}, en = {0}, fx = {0}, fa = {0}, li = {0}, la = {0}, ls = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{cp_o, &cp, 4, "codepoints"}, {st_o, &st, 8, "starts"}, {en_o, &en, 8, "ends"},
                                    {fx_o, &fx, 4, "first_index"}, {fa_o, &fa, 8, "first_at"},
                                    {li_o, &li, 4, "literals"}, {la_o, &la, 8, "literal_at"},
                                    {ls_o, &ls, 4, "literal_set"}, {out_o, &out, 1, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n = cp.view.len / 4, m = st.view.len / 8, u = fa.view.len / 8 - 1, k = ls.view.len / 4;
    Py_ssize_t n_lit = li.view.len / 4, table_size = fx.view.len / 4;
    if (en.view.len / 8 != m || u < 0 || la.view.len / 8 != k + 1 || out.view.readonly || m == 0 ||
        out.view.len % m != 0) {
        PyErr_SetString(PyExc_ValueError, "literal_lines: ends as starts, first_at [u + 1], literal_at [k + 1], "
                                          "out writable [sets, lines]");
        goto done;
    }
    const int64_t *s = (const int64_t *)st.view.buf, *e = (const int64_t *)en.view.buf;
    const int64_t *first_at = (const int64_t *)fa.view.buf, *lit_at = (const int64_t *)la.view.buf;
    const int32_t *lit_set = (const int32_t *)ls.view.buf, *first_index = (const int32_t *)fx.view.buf;
    const uint32_t *lit = (const uint32_t *)li.view.buf;
    Py_ssize_t n_sets = out.view.len / m;
    if (check_lines(s, e, m, n, "literal_lines") < 0) goto done;
    for (Py_ssize_t j = 0; j < k; j++) {
        if (lit_at[j] < 0 || lit_at[j + 1] <= lit_at[j] || lit_at[j + 1] > n_lit || lit_set[j] < 0 ||
            lit_set[j] >= n_sets) {
            PyErr_SetString(PyExc_ValueError, "literal_lines: a literal out of range, empty, or of no set");
            goto done;
        }
    }
    for (Py_ssize_t c = 0; c < table_size; c++) {
        if (first_index[c] < -1 || first_index[c] >= u) {
            PyErr_SetString(PyExc_ValueError, "literal_lines: first_index out of range of first_at");
            goto done;
        }
    }
    for (Py_ssize_t f = 0; f < u; f++) {
        if (first_at[f] < 0 || first_at[f + 1] < first_at[f] || first_at[f + 1] > k) {
            PyErr_SetString(PyExc_ValueError, "literal_lines: first_at out of range of the literals");
            goto done;
        }
        /* the order the search relies on: one first code point, one-code-point literals, then by the second */
        int longer = 0;
        uint32_t second = 0;
        for (int64_t j = first_at[f]; j < first_at[f + 1]; j++) {
            uint32_t c = lit[lit_at[j]];
            int is_long = lit_at[j + 1] - lit_at[j] > 1;
            if ((Py_ssize_t)c >= table_size || first_index[c] != f || (longer && !is_long) ||
                (is_long && lit[lit_at[j] + 1] < second)) {
                PyErr_SetString(PyExc_ValueError, "literal_lines: literals not indexed by first and second code point");
                goto done;
            }
            if (is_long) second = lit[lit_at[j] + 1];
            longer |= is_long;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    literal_lines((const uint32_t *)cp.view.buf, s, e, m, first_index, table_size, first_at, lit, lit_at, k, lit_set,
                  (uint8_t *)out.view.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * The 64-bit key of each word of dedup.webpage.topic.line_tokens: the sum over its letters (ASCII upper
 * case folded) of the letter times its position's odd weight, wrapping at 2^64, shifted right by `shift`.
 * The numpy path makes the same sums from a gather of every letter (a few temporaries of 8 bytes a letter).
 */
static PyObject *py_word_keys(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *st_o, *le_o, *we_o, *out_o;
    int shift;
    if (!PyArg_ParseTuple(args, "OOOOiO", &cp_o, &st_o, &le_o, &we_o, &shift, &out_o)) return NULL;
    held_buffer cp = {0}, st = {0}, le = {0}, we = {0}, out = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {{cp_o, &cp, 4, "codepoints"}, {st_o, &st, 8, "starts"},
                                    {le_o, &le, 8, "lengths"}, {we_o, &we, 8, "weights"}, {out_o, &out, 8, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n = cp.view.len / 4, w = st.view.len / 8, positions = we.view.len / 8;
    if (le.view.len / 8 != w || out.view.len / 8 != w || out.view.readonly || shift < 0 || shift > 63) {
        PyErr_SetString(PyExc_ValueError, "word_keys: lengths and out as starts, out writable, 0 <= shift < 64");
        goto done;
    }
    const uint32_t *cps = (const uint32_t *)cp.view.buf;
    const int64_t *s = (const int64_t *)st.view.buf, *len = (const int64_t *)le.view.buf;
    const uint64_t *weights = (const uint64_t *)we.view.buf;
    uint64_t *keys = (uint64_t *)out.view.buf;
    for (Py_ssize_t i = 0; i < w; i++) {
        if (s[i] < 0 || len[i] < 0 || len[i] > positions || s[i] + len[i] > n) {
            PyErr_SetString(PyExc_ValueError, "word_keys: a word out of range of the code points or the weights");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < w; i++) {
        uint64_t key = 0;
        const uint32_t *word = cps + s[i];
        for (int64_t j = 0; j < len[i]; j++) {
            uint64_t c = word[j];
            if (c >= 65 && c <= 90) c += 32;
            key += c * weights[j];
        }
        keys[i] = key >> shift;
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

static uint64_t fnv1a_cps(const uint32_t *cps, int64_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (int64_t j = 0; j < n; j++) {
        h ^= cps[j];
        h *= 1099511628211ULL;
    }
    return h;
}

static int is_az(uint32_t c) { return c >= 'a' && c <= 'z'; }

/*
 * The matches of dedup.webpage.features._WORD, [^\W\d_<CJK>]+(?:['’][a-z]+)?, in each line cps[s[i]:e[i]]: a
 * maximal run of word characters (table[c] != 0, the Basic Multilingual Plane), then, when an apostrophe and a
 * letter a-z follow, those letters; scanning resumes after the match. out[i] = (words, stopwords among them),
 * stopwords given as CSR code points and compared whole; (-1, -1) for a line holding a code point past the
 * table (astral), which the table cannot classify: the caller reads it.
 */
static PyObject *py_word_matches(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *st_o, *en_o, *tb_o, *sc_o, *so_o, *out_o;
    if (!PyArg_ParseTuple(args, "OOOOOOO", &cp_o, &st_o, &en_o, &tb_o, &sc_o, &so_o, &out_o)) return NULL;
    held_buffer cp = {0}, st = {0}, en = {0}, tb = {0}, sc = {0}, so = {0}, out = {0};
    PyObject *result = NULL;
    int64_t *slots = NULL;
    const wanted_buffer wanted[] = {{cp_o, &cp, 4, "codepoints"}, {st_o, &st, 8, "starts"}, {en_o, &en, 8, "ends"},
                                    {tb_o, &tb, 1, "table"}, {sc_o, &sc, 4, "stop_codepoints"},
                                    {so_o, &so, 8, "stop_offsets"}, {out_o, &out, 8, "out"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    Py_ssize_t n = cp.view.len / 4, m = st.view.len / 8, k = so.view.len / 8 - 1;
    if (en.view.len / 8 != m || out.view.readonly || out.view.len / 8 != 2 * m || k < 0) {
        PyErr_SetString(PyExc_ValueError, "word_matches: ends as starts, out writable [m, 2], stop_offsets [k + 1]");
        goto done;
    }
    const int64_t *s = (const int64_t *)st.view.buf, *e = (const int64_t *)en.view.buf;
    if (check_lines(s, e, m, n, "word_matches") < 0 || check_offsets((const int64_t *)so.view.buf, k, sc.view.len / 4) < 0)
        goto done;
    const uint32_t *cps = (const uint32_t *)cp.view.buf, *stop = (const uint32_t *)sc.view.buf;
    const int64_t *stop_at = (const int64_t *)so.view.buf;
    const uint8_t *table = (const uint8_t *)tb.view.buf;
    uint32_t table_size = (uint32_t)(tb.view.len < 0x110000 ? tb.view.len : 0x110000);
    int64_t n_slots = 8, longest = 0;
    while (n_slots < 4 * k) n_slots *= 2;
    slots = (int64_t *)PyMem_RawCalloc((size_t)n_slots, sizeof(int64_t));
    if (slots == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t w = 0; w < k; w++) {  /* open addressing: slot holds a stopword's index + 1 */
        int64_t len = stop_at[w + 1] - stop_at[w];
        longest = len > longest ? len : longest;
        uint64_t slot = fnv1a_cps(stop + stop_at[w], len) & (uint64_t)(n_slots - 1);
        while (slots[slot]) slot = (slot + 1) & (uint64_t)(n_slots - 1);
        slots[slot] = w + 1;
    }
    int64_t *o = (int64_t *)out.view.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < m; i++) {
        int64_t words = 0, stops = 0, p = s[i], end = e[i];
        int astral = 0;
        for (int64_t q = p; q < end; q++) astral |= cps[q] >= table_size;
        if (astral) {
            o[2 * i] = o[2 * i + 1] = -1;
            continue;
        }
        while (p < end) {
            if (!table[cps[p]]) {
                p++;
                continue;
            }
            int64_t start = p;
            while (p < end && table[cps[p]]) p++;
            if (p + 1 < end && (cps[p] == '\'' || cps[p] == 0x2019) && is_az(cps[p + 1])) {
                p += 2;
                while (p < end && is_az(cps[p])) p++;
            }
            words++;
            int64_t len = p - start;
            if (len <= longest) {
                uint64_t slot = fnv1a_cps(cps + start, len) & (uint64_t)(n_slots - 1);
                for (; slots[slot]; slot = (slot + 1) & (uint64_t)(n_slots - 1)) {
                    int64_t w = slots[slot] - 1;
                    if (stop_at[w + 1] - stop_at[w] == len &&
                        memcmp(stop + stop_at[w], cps + start, (size_t)len * sizeof(uint32_t)) == 0) {
                        stops++;
                        break;
                    }
                }
            }
        }
        o[2 * i] = words;
        o[2 * i + 1] = stops;
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(slots);
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * The stretches OpenCC's t2s may change (dedup.normalize.t2s._t2s_windows): each maximal run of code points whose
 * table bits hold `key` (1) that holds one whose bits hold both `key` and `changed` (2), as [starts[w], ends[w]).
 * Code points past the table have neither bit. Changed code points are rare (0.1 % of People's Daily's), so the scan
 * looks for them alone and reads a run's bounds around each: which code points are keys follows the text, and a
 * loop that followed every run's edges mispredicted its branches (4.6 against 1.5 ms on People's Daily's 1.86 M
 * code points). Returns the number of windows (at most (n + 1) / 2: windows are apart by a code point that is no key).
 */
static int64_t t2s_windows(const uint32_t *cps, int64_t n, const uint8_t *table, int64_t table_size, int64_t *starts,
                           int64_t *ends)
{
#define BITS(c) ((int64_t)(c) < table_size ? table[(c)] : 0u)
    int64_t w = 0;
    for (int64_t i = 0; i < n; i++) {
        if (__builtin_expect((BITS(cps[i]) & 3u) != 3u, 1)) continue;
        int64_t a = i, b = i + 1;
        while (a > 0 && (BITS(cps[a - 1]) & 1u)) a--;
        while (b < n && (BITS(cps[b]) & 1u)) b++;
        starts[w] = a;
        ends[w] = b;
        w++;
        i = b;  /* cps[b] is no key (or b == n): the next run starts after it */
    }
    return w;
#undef BITS
}

static PyObject *py_t2s_windows(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *tb_o, *st_o, *en_o;
    if (!PyArg_ParseTuple(args, "OOOO", &cp_o, &tb_o, &st_o, &en_o)) return NULL;
    held_buffer cp = {0}, tb = {0}, st = {0}, en = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {
        {cp_o, &cp, 4, "codepoints"}, {tb_o, &tb, 1, "table"}, {st_o, &st, 8, "starts"}, {en_o, &en, 8, "ends"}};
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    const Py_ssize_t n = cp.view.len / 4, most = (n + 1) / 2;
    if (st.view.readonly || en.view.readonly || st.view.len / 8 < most || en.view.len / 8 < most) {
        PyErr_SetString(PyExc_ValueError, "t2s_windows: starts and ends writable, of (len(codepoints) + 1) // 2");
        goto done;
    }
    int64_t found;
    Py_BEGIN_ALLOW_THREADS
    found = t2s_windows((const uint32_t *)cp.view.buf, n, (const uint8_t *)tb.view.buf, tb.view.len,
                        (int64_t *)st.view.buf, (int64_t *)en.view.buf);
    Py_END_ALLOW_THREADS
    result = PyLong_FromLongLong(found);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * OpenCC's t2s of the windows [starts[w], ends[w]) of codepoints, written into out (a copy of them): first its
 * normalization (a code point with bit 4 of table becomes the norm_to of its entry among norm_from), then,
 * left to right, the longest phrase at each position (bit 8: a phrase starts with the code point; the phrases,
 * by first code point and longest first, are phrase_first [p] with their keys and values at phrase_offsets
 * [p + 1] of phrase_keys and phrase_values), else the character's change (bit 16, char_from/char_to). Windows
 * are runs of key code points, which no phrase crosses; nothing changes length. Entries are found in small hash
 * tables (small_map) built a call.
 */
typedef struct {
    uint32_t *keys;
    int32_t *values; /* -1: an empty slot */
    uint32_t shift;
    uint32_t mask;
} small_map;

static inline uint32_t small_slot(const small_map *m, uint32_t key)
{
    return (uint32_t)((key * 2654435761u) >> m->shift) & m->mask;
}

/* A map of keys [n] to their first index, in a table of at least 2n slots (0 on success). */
static int small_map_of(small_map *m, const uint32_t *keys, int64_t n)
{
    uint32_t bits = 4;
    while (((int64_t)1 << bits) < 2 * n) bits++;
    m->shift = 32 - bits;
    m->mask = (1u << bits) - 1;
    m->keys = PyMem_RawMalloc(((size_t)1 << bits) * sizeof(uint32_t));
    m->values = PyMem_RawMalloc(((size_t)1 << bits) * sizeof(int32_t));
    if (m->keys == NULL || m->values == NULL) return -1;
    for (uint32_t s = 0; s <= m->mask; s++) m->values[s] = -1;
    for (int64_t i = 0; i < n; i++) {
        uint32_t s = small_slot(m, keys[i]);
        while (m->values[s] >= 0 && m->keys[s] != keys[i]) s = (s + 1) & m->mask;
        if (m->values[s] < 0) {
            m->keys[s] = keys[i];
            m->values[s] = (int32_t)i;
        }
    }
    return 0;
}

static inline int32_t small_find(const small_map *m, uint32_t key)
{
    uint32_t s = small_slot(m, key);
    while (m->values[s] >= 0) {
        if (m->keys[s] == key) return m->values[s];
        s = (s + 1) & m->mask;
    }
    return -1;
}

static void small_map_free(small_map *m)
{
    PyMem_RawFree(m->keys);
    PyMem_RawFree(m->values);
}

typedef struct {
    const uint8_t *table;
    int64_t table_len;
    const uint32_t *norm_to, *char_to, *phrase_first, *phrase_keys, *phrase_values;
    int64_t n_phrases;
    const int64_t *phrase_offsets;
    small_map norm, chars, phrases; /* code point -> index of its entry (a phrase: the first of its code point) */
} t2s_program;

static void t2s_window(const t2s_program *t, const uint32_t *in, uint32_t *out, int64_t start, int64_t end)
{
    for (int64_t i = start; i < end; i++) {
        uint32_t c = in[i];
        if (c < t->table_len && (t->table[c] & 4)) {
            const int32_t at = small_find(&t->norm, c);
            if (at >= 0) c = t->norm_to[at];
        }
        out[i] = c;
    }
    int64_t i = start;
    while (i < end) {
        const uint32_t c = out[i];
        const uint8_t bits = c < t->table_len ? t->table[c] : 0;
        int64_t matched = 0;
        if (bits & 8) {
            const int32_t first = small_find(&t->phrases, c);
            for (int64_t p = first < 0 ? t->n_phrases : first; p < t->n_phrases && t->phrase_first[p] == c; p++) {
                const int64_t length = t->phrase_offsets[p + 1] - t->phrase_offsets[p];
                if (length > end - i) continue;
                if (memcmp(out + i, t->phrase_keys + t->phrase_offsets[p], (size_t)length * 4) == 0) {
                    memcpy(out + i, t->phrase_values + t->phrase_offsets[p], (size_t)length * 4);
                    matched = length;
                    break;
                }
            }
        }
        if (matched) {
            i += matched;
            continue;
        }
        if (bits & 16) {
            const int32_t at = small_find(&t->chars, c);
            if (at >= 0) out[i] = t->char_to[at];
        }
        i++;
    }
}

static PyObject *py_t2s_convert(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *out_o, *st_o, *en_o, *tb_o, *nf_o, *nt_o, *cf_o, *ct_o, *pf_o, *po_o, *pk_o, *pv_o;
    if (!PyArg_ParseTuple(args, "OOOOOOOOOOOOO", &cp_o, &out_o, &st_o, &en_o, &tb_o, &nf_o, &nt_o, &cf_o, &ct_o,
                          &pf_o, &po_o, &pk_o, &pv_o))
        return NULL;
    held_buffer cp = {0}, out = {0}, st = {0}, en = {0}, tb = {0}, nf = {0}, nt = {0}, cf = {0}, ct = {0}, pf = {0},
                po = {0}, pk = {0}, pv = {0};
    const wanted_buffer wanted[] = {{cp_o, &cp, 4, "codepoints"},   {out_o, &out, 4, "out"},
                                    {st_o, &st, 8, "starts"},       {en_o, &en, 8, "ends"},
                                    {tb_o, &tb, 1, "table"},        {nf_o, &nf, 4, "norm_from"},
                                    {nt_o, &nt, 4, "norm_to"},      {cf_o, &cf, 4, "char_from"},
                                    {ct_o, &ct, 4, "char_to"},      {pf_o, &pf, 4, "phrase_first"},
                                    {po_o, &po, 8, "phrase_offsets"}, {pk_o, &pk, 4, "phrase_keys"},
                                    {pv_o, &pv, 4, "phrase_values"}};
    PyObject *result = NULL;
    t2s_program program = {0}; /* its maps freed at done, whether built or not */
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    const Py_ssize_t n = cp.view.len / 4, w = st.view.len / 8, p = pf.view.len / 4;
    const int64_t *starts = (const int64_t *)st.view.buf, *ends = (const int64_t *)en.view.buf;
    const int64_t *offsets = (const int64_t *)po.view.buf;
    if (out.view.len / 4 != n || out.view.readonly || en.view.len / 8 != w || nt.view.len != nf.view.len ||
        ct.view.len != cf.view.len || po.view.len / 8 != p + 1 || pv.view.len != pk.view.len) {
        PyErr_SetString(PyExc_ValueError, "t2s_convert: out writable as the code points, ends as starts, each map's "
                                          "two sides alike, phrase_offsets [p + 1], keys and values alike");
        goto done;
    }
    for (Py_ssize_t i = 0; i < w; i++) {
        if (starts[i] < 0 || ends[i] < starts[i] || ends[i] > n || (i && starts[i] < ends[i - 1])) {
            PyErr_SetString(PyExc_ValueError, "t2s_convert: windows out of range or out of order");
            goto done;
        }
    }
    for (Py_ssize_t i = 0; i < p; i++) {
        if (offsets[i] < 0 || offsets[i + 1] <= offsets[i] || offsets[i + 1] > pk.view.len / 4) {
            PyErr_SetString(PyExc_ValueError, "t2s_convert: phrase_offsets out of range or a phrase empty");
            goto done;
        }
    }
    program.table = (const uint8_t *)tb.view.buf;
    program.table_len = tb.view.len;
    program.norm_to = (const uint32_t *)nt.view.buf;
    program.char_to = (const uint32_t *)ct.view.buf;
    program.phrase_first = (const uint32_t *)pf.view.buf;
    program.phrase_keys = (const uint32_t *)pk.view.buf;
    program.phrase_values = (const uint32_t *)pv.view.buf;
    program.n_phrases = p;
    program.phrase_offsets = offsets;
    if (small_map_of(&program.norm, (const uint32_t *)nf.view.buf, nf.view.len / 4) < 0 ||
        small_map_of(&program.chars, (const uint32_t *)cf.view.buf, cf.view.len / 4) < 0 ||
        small_map_of(&program.phrases, (const uint32_t *)pf.view.buf, p) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < w; i++)
        t2s_window(&program, (const uint32_t *)cp.view.buf, (uint32_t *)out.view.buf, starts[i], ends[i]);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    small_map_free(&program.norm);
    small_map_free(&program.chars);
    small_map_free(&program.phrases);
    release_all(wanted, COUNT(wanted));
    return result;
}

/*
 * The per-character step of the matching view over a batch (dedup.normalize.view._views_of_batch): each code point
 * mapped by `mapping` (uint32 by code point; 0xFFFFFFFF: removed), each separator position (int64, increasing) a
 * "\n" whatever it maps to, the rest kept in order in `out`, and where each separator lands among them in `at`. With
 * `drop` (uint8 by code point, non-zero: dropped; NULL: not wanted), the same kept characters less those `drop`
 * marks, the separators kept, in `bare` (whose drop table drops every other line feed: the caller splits it at its
 * line feeds). Code points at or past the mapping's end are removed (the caller's tables cover all of Unicode).
 * Returns out's length; *bare_n gets bare's.
 */
static int64_t mapped_view(const uint32_t *cps, int64_t n, const uint32_t *mapping, int64_t map_size,
                           const int64_t *separators, int64_t n_sep, const uint8_t *drop, int64_t drop_size,
                           uint32_t *out, int64_t *at, uint32_t *bare, int64_t *bare_n)
{
    int64_t w = 0, b = 0, s = 0;
    const int64_t next_default = n;
    int64_t next = n_sep ? separators[0] : next_default;
    for (int64_t i = 0; i < n; i++) {
        if (i == next) {
            at[s] = w;
            out[w++] = 10u;
            if (drop != NULL) bare[b++] = 10u;
            s++;
            next = s < n_sep ? separators[s] : next_default;
            continue;
        }
        /* Branch-free (which characters a view drops follows the text): each is written, and kept by advancing. */
        const uint32_t c = cps[i];
        const uint32_t m = (int64_t)c < map_size ? mapping[c] : 0xFFFFFFFFu;
        const int64_t kept = m != 0xFFFFFFFFu;
        out[w] = m;
        w += kept;
        if (drop != NULL) {
            bare[b] = m;
            const unsigned dropped = (int64_t)m < drop_size ? drop[m] : 1u;  /* a removed one (0xFFFFFFFF) too */
            b += dropped == 0;
        }
    }
    *bare_n = b;
    return w;
}

static PyObject *py_mapped_view(PyObject *self, PyObject *args)
{
    PyObject *cp_o, *mp_o, *sp_o, *dr_o, *out_o, *at_o, *ba_o;
    if (!PyArg_ParseTuple(args, "OOOOOOO", &cp_o, &mp_o, &sp_o, &dr_o, &out_o, &at_o, &ba_o)) return NULL;
    const int bare_wanted = dr_o != Py_None;
    held_buffer cp = {0}, mp = {0}, sp = {0}, dr = {0}, out = {0}, at = {0}, ba = {0};
    PyObject *result = NULL;
    const wanted_buffer wanted[] = {
        {cp_o, &cp, 4, "codepoints"},
        {mp_o, &mp, 4, "mapping"},
        {sp_o, &sp, 8, "separators"},
        {bare_wanted ? dr_o : NULL, &dr, 1, "drop"},
        {out_o, &out, 4, "out"},
        {at_o, &at, 8, "at"},
        {bare_wanted ? ba_o : NULL, &ba, 4, "bare"},
    };
    if (take_all(wanted, COUNT(wanted)) < 0) goto done;
    const Py_ssize_t n = cp.view.len / 4, n_sep = sp.view.len / 8;
    if (out.view.readonly || out.view.len / 4 < n || at.view.readonly || at.view.len / 8 < n_sep ||
        (bare_wanted && (ba.view.readonly || ba.view.len / 4 < n))) {
        PyErr_SetString(PyExc_ValueError,
                        "mapped_view: out (and bare) writable and as long as the code points, at as the separators");
        goto done;
    }
    const int64_t *seps = (const int64_t *)sp.view.buf;
    for (Py_ssize_t k = 0; k < n_sep; k++) {
        if (seps[k] < 0 || seps[k] >= n || (k && seps[k] <= seps[k - 1])) {
            PyErr_SetString(PyExc_ValueError, "mapped_view: separators increasing, within the code points");
            goto done;
        }
    }
    int64_t written, bare_n = 0;
    Py_BEGIN_ALLOW_THREADS
    written = mapped_view((const uint32_t *)cp.view.buf, n, (const uint32_t *)mp.view.buf, mp.view.len / 4, seps,
                          n_sep, bare_wanted ? (const uint8_t *)dr.view.buf : NULL, bare_wanted ? dr.view.len : 0,
                          (uint32_t *)out.view.buf, (int64_t *)at.view.buf,
                          bare_wanted ? (uint32_t *)ba.view.buf : NULL, &bare_n);
    Py_END_ALLOW_THREADS
    result = Py_BuildValue("LL", (long long)written, (long long)bare_n);
done:
    release_all(wanted, COUNT(wanted));
    return result;
}

static PyMethodDef methods[] = {
    {"affine32_minhash", py_affine32_minhash, METH_VARARGS,
     "affine32_minhash(tokens, offsets, a, b, out): MinHash of CSR token sets, datasketch affine32 scheme."},
    {"oph_minhash", py_oph_minhash, METH_VARARGS,
     "oph_minhash(tokens, offsets, a, b, out): one-permutation hashing of CSR token sets, bins not densified."},
    {"intersection_sizes", py_intersection_sizes, METH_VARARGS,
     "intersection_sizes(hashes, offsets, pairs, out[, need]): |A & B| of pairs of ascending CSR sets (with need, "
     "a pair that cannot reach need[i] may stop early, below it)."},
    {"unit_window_hashes", py_unit_window_hashes, METH_VARARGS,
     "unit_window_hashes(codepoints, offsets, shingle_offsets, width, salt_mul, salt_add, out): every unit's shingle "
     "token hashes."},
    {"window_hashes", py_window_hashes, METH_VARARGS,
     "window_hashes(codepoints, width, salt, out): the token hash of every window of width code points."},
    {"sorted_sets", py_sorted_sets, METH_VARARGS,
     "sorted_sets(tokens, offsets, out, out_offsets): each CSR unit's tokens sorted and distinct, packed into out."},
    {"intersection_sizes_between", py_intersection_sizes_between, METH_VARARGS,
     "intersection_sizes_between(hashes_a, offsets_a, hashes_b, offsets_b, pairs, out): |A & B|, A and B in two CSRs."},
    {"bucket_overlaps", py_bucket_overlaps, METH_VARARGS,
     "bucket_overlaps(hashes, offsets, pairs, threshold, found, filled): per pair, b's tokens in a bucket (h >> 16) "
     "of a's, or a count below threshold * min(filled[a], filled[b]) - 1 once it cannot reach it; per unit, the "
     "buckets it fills; pairs sorted by a."},
    {"tree_leaves", py_tree_leaves, METH_VARARGS,
     "tree_leaves(feature, threshold, mask, internal, leaf_value, trees, x, n_features, lo, hi, out): the leaf values "
     "rows lo:hi of column-major x reach in each tree."},
    {"collapse_runs", py_collapse_runs, METH_VARARGS,
     "collapse_runs(codepoints, table, member, only, to, out): each run of member code points (holding an only one, "
     "if only) replaced by to; returns the length written."},
    {"class_counts", py_class_counts, METH_VARARGS,
     "class_counts(codepoints, starts, ends, table, run_bit, out): per-line counts of each class bit, and runs."},
    {"literal_lines", py_literal_lines, METH_VARARGS,
     "literal_lines(codepoints, starts, ends, first_index, first_at, literals, literal_at, literal_set, out): "
     "which lines hold a literal of each set."},
    {"word_keys", py_word_keys, METH_VARARGS,
     "word_keys(codepoints, starts, lengths, weights, shift, out): each word's weighted sum of its letters, shifted."},
    {"word_matches", py_word_matches, METH_VARARGS,
     "word_matches(codepoints, starts, ends, table, stop_codepoints, stop_offsets, out): each line's words and "
     "stopwords (-1, -1 for a line past the table)."},
    {"topic_counts", py_topic_counts, METH_VARARGS,
     "topic_counts(keys, line, bounds, k, core, tokens, found): each line's distinct tokens and those another core "
     "line of its page holds, page by page."},
    {"string_hashes", py_string_hashes, METH_VARARGS,
     "string_hashes(strings, head, tail, out): XXH3-64 of each str's UTF-8 (surrogatepass), or of its first head or "
     "last tail code points."},
    {"radix_order", py_radix_order, METH_VARARGS,
     "radix_order(columns, out): the stable order of rows by a tuple of 1 to 4 uint64 columns, the first most "
     "significant."},
    {"radix_sorted", py_radix_sorted, METH_VARARGS, "radix_sorted(values, out): uint64 values sorted into out."},
    {"mask_quoted", py_mask_quoted, METH_VARARGS,
     "mask_quoted(codepoints, table, open, close, stop, most, to, out): quoted names as one code point."},
    {"shared_keys", py_shared_keys, METH_VARARGS,
     "shared_keys(keys, block, out): out[i] = 1 where uint64 keys[i] equals another key of its block."},
    {"line_layout", py_line_layout, METH_VARARGS,
     "line_layout(flags, noise, raw, head, starts, ends, masks, fragment, columns, marks): what the paragraph "
     "joins read of each line."},
    {"page_prefix", py_page_prefix, METH_VARARGS,
     "page_prefix(values, bounds, out): each page's running sums, from 0."},
    {"t2s_windows", py_t2s_windows, METH_VARARGS,
     "t2s_windows(codepoints, table, starts, ends): the runs of key code points (bit 1) holding a changed one (bits "
     "1 and 2); returns their number."},
    {"t2s_convert", py_t2s_convert, METH_VARARGS,
     "t2s_convert(codepoints, out, starts, ends, table, norm_from, norm_to, char_from, char_to, phrase_first, "
     "phrase_offsets, phrase_keys, phrase_values): OpenCC's t2s of the windows, written into out."},
    {"mapped_view", py_mapped_view, METH_VARARGS,
     "mapped_view(codepoints, mapping, separators, drop, out, at, bare): the view's per-character step, "
     "separators kept as line feeds, and without drop's characters (drop None: not made); returns both lengths."},
    {"center_labels", py_center_labels, METH_VARARGS,
     "center_labels(order, indptr, indices, out): centre clustering of a CSR graph, nodes visited in order."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernels", NULL, -1, methods};

/* Raised with every change of the functions above: dedup/kernel.py sets aside a kernel of another version. */
#define KERNEL_VERSION 20

PyMODINIT_FUNC PyInit__kernels(void)
{
    init_spread_bits();
    window_hashes = pick_window();
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "VERSION", KERNEL_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
