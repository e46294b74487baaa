#include "execution/row_gather.hpp"

#include "types/physical_dispatch.hpp"

namespace basalt {

void gather_rows(const ColumnDataCollection& rows, idx_t column, const uint64_t* row_ids, idx_t count, Vector& out,
                 const std::shared_ptr<const void>& owner) {
    const LogicalType& type = rows.types()[column];
    if (out.type() != type || out.capacity() < count) out = Vector(type, std::max<idx_t>(count, kVectorSize));
    out.reset();
    dispatch_physical(type.physical(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* dst = out.data<T>();
        for (idx_t i = 0; i < count; i++) {
            uint64_t r = row_ids[i];
            const Vector& src = rows.chunk(r / kVectorSize).column(column);
            idx_t offset = r % kVectorSize;
            if (src.validity().is_valid(offset)) {
                dst[i] = src.data<T>()[offset];
            } else {
                out.set_null(i);
            }
        }
    });
    if (type.physical() == PhysicalType::kString && owner) out.keep_alive(owner);
}

}  // namespace basalt
