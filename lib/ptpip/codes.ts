/**
 * The numbers of PTP and PTP/IP by name: packet types, operations, responses, events, object
 * formats and the reasons an initiator is refused. Pure. Values from PIMA 15740 (PTP 1.1) and CIPA
 * DC-005 (PTP/IP) as libgphoto2's `ptp.h` spells them; the Canon EOS operations from the same file.
 *
 * @module
 */

/** PTP/IP packet types: the second u32 of every packet's header. */
export const PACKET = {
  InitCommandRequest: 1,
  InitCommandAck: 2,
  InitEventRequest: 3,
  InitEventAck: 4,
  InitFail: 5,
  OperationRequest: 6,
  OperationResponse: 7,
  Event: 8,
  StartData: 9,
  Data: 10,
  Cancel: 11,
  EndData: 12,
  Ping: 13,
  Pong: 14,
} as const;

/**
 * Code to name for one table, built once: names are looked up per packet and per transaction. The
 * first name listed for a value wins, as a search of the table in order would find it.
 */
function namesOf<Name extends string>(table: Readonly<Record<Name, number>>): Map<number, Name> {
  const names = new Map<number, Name>();
  for (const [name, value] of Object.entries(table) as [Name, number][]) {
    if (!names.has(value)) names.set(value, name);
  }
  return names;
}

const PACKET_NAMES = namesOf(PACKET);

/** The name of packet type `type`, or undefined for a number PTP/IP does not define. */
export function packetName(type: number): keyof typeof PACKET | undefined {
  return PACKET_NAMES.get(type);
}

/** PTP operation codes this project sends (standard, then Canon EOS vendor ones). */
export const OPERATION = {
  GetDeviceInfo: 0x1001,
  OpenSession: 0x1002,
  CloseSession: 0x1003,
  GetStorageIDs: 0x1004,
  GetStorageInfo: 0x1005,
  GetNumObjects: 0x1006,
  GetObjectHandles: 0x1007,
  GetObjectInfo: 0x1008,
  GetObject: 0x1009,
  GetPartialObject: 0x101B,
  EosGetObjectInfoEx: 0x9109,
  EosGetObject: 0x9104,
  EosGetPartialObject: 0x9107,
  EosSetRemoteMode: 0x9114,
  EosSetEventMode: 0x9115,
  EosGetEvent: 0x9116,
  EosTransferComplete: 0x9117,
  EosKeepDeviceOn: 0x911D,
} as const;

/** PTP 1.1 response codes, 0x2001–0x2020, each with what it means to a user, in their words. */
export const RESPONSES = {
  OK: [0x2001, "done"],
  GeneralError: [0x2002, "the camera reported a general error"],
  SessionNotOpen: [0x2003, "no session is open"],
  InvalidTransactionID: [0x2004, "the camera refused the transaction number"],
  OperationNotSupported: [0x2005, "the camera does not support this operation"],
  ParameterNotSupported: [0x2006, "the camera does not support a parameter"],
  IncompleteTransfer: [0x2007, "the transfer was incomplete"],
  InvalidStorageID: [0x2008, "no such storage"],
  InvalidObjectHandle: [0x2009, "no such file or folder"],
  DevicePropNotSupported: [0x200A, "the camera does not support this property"],
  InvalidObjectFormatCode: [0x200B, "the camera refused the file format"],
  StoreFull: [0x200C, "the card is full"],
  ObjectWriteProtected: [0x200D, "the file is protected"],
  StoreReadOnly: [0x200E, "the card is read-only"],
  AccessDenied: [0x200F, "access denied"],
  NoThumbnailPresent: [0x2010, "there is no thumbnail"],
  SelfTestFailed: [0x2011, "the camera's self test failed"],
  PartialDeletion: [0x2012, "only some files were deleted"],
  StoreNotAvailable: [0x2013, "the card is not available"],
  SpecificationByFormatUnsupported: [0x2014, "the camera cannot select by format"],
  NoValidObjectInfo: [0x2015, "no valid file information"],
  InvalidCodeFormat: [0x2016, "the camera refused the code format"],
  UnknownVendorCode: [0x2017, "the camera does not know this vendor code"],
  CaptureAlreadyTerminated: [0x2018, "the capture already ended"],
  DeviceBusy: [0x2019, "the camera is busy"],
  InvalidParentObject: [0x201A, "no such folder"],
  InvalidDevicePropFormat: [0x201B, "the camera refused the property format"],
  InvalidDevicePropValue: [0x201C, "the camera refused the property value"],
  InvalidParameter: [0x201D, "the camera refused a parameter"],
  SessionAlreadyOpen: [0x201E, "a session is already open"],
  TransactionCancelled: [0x201F, "the transaction was cancelled"],
  SpecificationOfDestinationUnsupported: [0x2020, "the camera cannot take a destination"],
} as const;

/** PTP 1.1 response codes by name. */
export const RESPONSE = Object.fromEntries(
  Object.entries(RESPONSES).map(([name, [code]]) => [name, code]),
) as { readonly [Name in keyof typeof RESPONSES]: (typeof RESPONSES)[Name][0] };

function hex4(code: number): string {
  return "0x" + (code >>> 0).toString(16).padStart(4, "0");
}

const OPERATION_NAMES = namesOf(OPERATION);
const RESPONSE_NAMES = namesOf(RESPONSE);

/** The name of operation code `code` ("GetObject"), or "operation 0x9abc" for one not listed. */
export function operationName(code: number): string {
  return OPERATION_NAMES.get(code) ?? `operation ${hex4(code)}`;
}

/**
 * A response code in words for a log line or a failure: "the camera is busy (DeviceBusy, 0x2019)";
 * a code PTP 1.1 does not define reads "response 0x2abc".
 */
export function responseReason(code: number): string {
  const name = RESPONSE_NAMES.get(code);
  if (name === undefined) return `response ${hex4(code)}`;
  return `${RESPONSES[name][1]} (${name}, ${hex4(code)})`;
}

/** PTP event codes the project reacts to (a new object on the camera). */
export const EVENT = {
  ObjectAdded: 0x4002,
  RequestObjectTransfer: 0x4009,
} as const;

/** Object format codes the project uses (PTP 1.1; Canon's raw and movie ones from libgphoto2's `ptp.h`). */
export const FORMAT = {
  Undefined: 0x3000,
  Association: 0x3001,
  Wav: 0x3008,
  Avi: 0x300A,
  Jpeg: 0x3801,
  CanonCrw: 0xB101,
  CanonCr2: 0xB103,
  CanonMov: 0xB104,
  CanonCr3: 0xB108,
  Mp4: 0xB982,
} as const;

/**
 * InitFail reasons (CIPA DC-005; 4 is used by some responders, as in the open PTP/IP stacks that
 * list it). A Canon camera that has not paired with this host, or is still listing computers,
 * answers RejectedInitiator or Busy.
 */
export const INIT_FAIL = {
  RejectedInitiator: 1,
  Busy: 2,
  Unspecified: 3,
  InvalidGuid: 4,
} as const;

/** What each InitFail reason means to a user. */
const INIT_FAIL_WORDS: Record<number, string> = {
  [INIT_FAIL.RejectedInitiator]:
    "the camera refused this computer (not paired with it, or not confirmed on the camera)",
  [INIT_FAIL.Busy]:
    "the camera is busy (another computer is connected, or it is still listing computers)",
  [INIT_FAIL.Unspecified]: "the camera refused the connection without a reason",
  [INIT_FAIL.InvalidGuid]: "the camera refused this computer's GUID",
};

/** An InitFail reason in words, with its number. */
export function initFailReason(code: number): string {
  const words = INIT_FAIL_WORDS[code] ?? "the camera refused the connection";
  return `${words} (reason ${code >>> 0})`;
}
