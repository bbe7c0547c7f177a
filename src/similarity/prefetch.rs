//! A cache hint for the scattered reads of a ranking, used by the index's ranking and by the
//! common ingredients' bounds.

/// Starts reading `slice[index]` into the cache, if there is one: a hint, no effect on what
/// the program computes.
#[inline(always)]
#[allow(unsafe_code)]
pub(crate) fn prefetch<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = slice.get(index) {
        // SAFETY: a prefetch of an address inside a live slice; it reads nothing the program
        // sees and cannot fault.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (item as *const T).cast::<i8>(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}
