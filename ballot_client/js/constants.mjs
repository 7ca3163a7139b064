/**
 * Numeric constants of the protocol, kept apart so that hashing does not depend on the group
 * implementation.
 */

/** ℓ, the order of ristretto255 (PROTOCOL.md §1). */
export const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

/** The canonical encoding of the ristretto255 generator G (PROTOCOL.md §1). */
export const GENERATOR_HEX = 'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76';

/** The protocol version carried by every serialized object. */
export const VERSION = 1;
