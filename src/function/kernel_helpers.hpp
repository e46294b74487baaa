// Templates that run a per-value operation over flat or constant vectors. Rows where an input is NULL are
// skipped (the framework marks them NULL afterwards), so operations may throw on bad values without tripping
// over the placeholder data of NULL rows.
#pragma once

#include "vector/vector.hpp"

namespace basalt {

template <class TA, class TR, class Op>
void unary_execute(const Vector& a, idx_t count, Vector& result, Op&& op) {
    const TA* ad = a.data<TA>();
    TR* rd = result.data<TR>();
    const ValidityMask& av = a.validity();
    if (a.is_constant()) {
        if (av.is_valid(0)) {
            TR v = op(ad[0]);
            for (idx_t i = 0; i < count; i++) rd[i] = v;
        }
        return;
    }
    if (av.all_valid()) {
        for (idx_t i = 0; i < count; i++) rd[i] = op(ad[i]);
    } else {
        for (idx_t i = 0; i < count; i++) {
            if (av.is_valid(i)) rd[i] = op(ad[i]);
        }
    }
}

template <class TA, class TB, class TR, class Op>
void binary_execute(const Vector& a, const Vector& b, idx_t count, Vector& result, Op&& op) {
    const TA* ad = a.data<TA>();
    const TB* bd = b.data<TB>();
    TR* rd = result.data<TR>();
    const bool ac = a.is_constant(), bc = b.is_constant();
    const ValidityMask& av = a.validity();
    const ValidityMask& bv = b.validity();
    if (av.all_valid() && bv.all_valid()) {
        if (!ac && !bc) {
            for (idx_t i = 0; i < count; i++) rd[i] = op(ad[i], bd[i]);
        } else if (ac && !bc) {
            const TA x = ad[0];
            for (idx_t i = 0; i < count; i++) rd[i] = op(x, bd[i]);
        } else if (!ac && bc) {
            const TB y = bd[0];
            for (idx_t i = 0; i < count; i++) rd[i] = op(ad[i], y);
        } else {
            for (idx_t i = 0; i < count; i++) rd[i] = op(ad[0], bd[0]);
        }
        return;
    }
    for (idx_t i = 0; i < count; i++) {
        idx_t ia = ac ? 0 : i, ib = bc ? 0 : i;
        if (av.is_valid(ia) && bv.is_valid(ib)) rd[i] = op(ad[ia], bd[ib]);
    }
}

template <class TA, class TB, class TC, class TR, class Op>
void ternary_execute(const Vector& a, const Vector& b, const Vector& c, idx_t count, Vector& result, Op&& op) {
    const TA* ad = a.data<TA>();
    const TB* bd = b.data<TB>();
    const TC* cd = c.data<TC>();
    TR* rd = result.data<TR>();
    for (idx_t i = 0; i < count; i++) {
        idx_t ia = a.is_constant() ? 0 : i, ib = b.is_constant() ? 0 : i, ic = c.is_constant() ? 0 : i;
        if (a.validity().is_valid(ia) && b.validity().is_valid(ib) && c.validity().is_valid(ic)) {
            rd[i] = op(ad[ia], bd[ib], cd[ic]);
        }
    }
}

}  // namespace basalt
