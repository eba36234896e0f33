/**
 * The TCP port of PTP/IP, where a Canon camera listens once it is up. Kept apart from the rest of
 * `lib/ptpip/` because `--help` names it, and the client's code loads only when used.
 *
 * @module
 */

/** The PTP/IP port a camera listens on. */
export const PTPIP_PORT = 15740;
