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

/** The name of a PTP/IP packet type. */
export type PacketName = keyof typeof PACKET;

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
export function packetName(type: number): PacketName | undefined {
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

/** PTP 1.1 response codes, 0x2001–0x2020. */
export const RESPONSE = {
  OK: 0x2001,
  GeneralError: 0x2002,
  SessionNotOpen: 0x2003,
  InvalidTransactionID: 0x2004,
  OperationNotSupported: 0x2005,
  ParameterNotSupported: 0x2006,
  IncompleteTransfer: 0x2007,
  InvalidStorageID: 0x2008,
  InvalidObjectHandle: 0x2009,
  DevicePropNotSupported: 0x200A,
  InvalidObjectFormatCode: 0x200B,
  StoreFull: 0x200C,
  ObjectWriteProtected: 0x200D,
  StoreReadOnly: 0x200E,
  AccessDenied: 0x200F,
  NoThumbnailPresent: 0x2010,
  SelfTestFailed: 0x2011,
  PartialDeletion: 0x2012,
  StoreNotAvailable: 0x2013,
  SpecificationByFormatUnsupported: 0x2014,
  NoValidObjectInfo: 0x2015,
  InvalidCodeFormat: 0x2016,
  UnknownVendorCode: 0x2017,
  CaptureAlreadyTerminated: 0x2018,
  DeviceBusy: 0x2019,
  InvalidParentObject: 0x201A,
  InvalidDevicePropFormat: 0x201B,
  InvalidDevicePropValue: 0x201C,
  InvalidParameter: 0x201D,
  SessionAlreadyOpen: 0x201E,
  TransactionCancelled: 0x201F,
  SpecificationOfDestinationUnsupported: 0x2020,
} as const;

/** What each response means to a user, in their words. */
const RESPONSE_WORDS: Record<number, string> = {
  [RESPONSE.OK]: "done",
  [RESPONSE.GeneralError]: "the camera reported a general error",
  [RESPONSE.SessionNotOpen]: "no session is open",
  [RESPONSE.InvalidTransactionID]: "the camera refused the transaction number",
  [RESPONSE.OperationNotSupported]: "the camera does not support this operation",
  [RESPONSE.ParameterNotSupported]: "the camera does not support a parameter",
  [RESPONSE.IncompleteTransfer]: "the transfer was incomplete",
  [RESPONSE.InvalidStorageID]: "no such storage",
  [RESPONSE.InvalidObjectHandle]: "no such file or folder",
  [RESPONSE.DevicePropNotSupported]: "the camera does not support this property",
  [RESPONSE.InvalidObjectFormatCode]: "the camera refused the file format",
  [RESPONSE.StoreFull]: "the card is full",
  [RESPONSE.ObjectWriteProtected]: "the file is protected",
  [RESPONSE.StoreReadOnly]: "the card is read-only",
  [RESPONSE.AccessDenied]: "access denied",
  [RESPONSE.NoThumbnailPresent]: "there is no thumbnail",
  [RESPONSE.SelfTestFailed]: "the camera's self test failed",
  [RESPONSE.PartialDeletion]: "only some files were deleted",
  [RESPONSE.StoreNotAvailable]: "the card is not available",
  [RESPONSE.SpecificationByFormatUnsupported]: "the camera cannot select by format",
  [RESPONSE.NoValidObjectInfo]: "no valid file information",
  [RESPONSE.InvalidCodeFormat]: "the camera refused the code format",
  [RESPONSE.UnknownVendorCode]: "the camera does not know this vendor code",
  [RESPONSE.CaptureAlreadyTerminated]: "the capture already ended",
  [RESPONSE.DeviceBusy]: "the camera is busy",
  [RESPONSE.InvalidParentObject]: "no such folder",
  [RESPONSE.InvalidDevicePropFormat]: "the camera refused the property format",
  [RESPONSE.InvalidDevicePropValue]: "the camera refused the property value",
  [RESPONSE.InvalidParameter]: "the camera refused a parameter",
  [RESPONSE.SessionAlreadyOpen]: "a session is already open",
  [RESPONSE.TransactionCancelled]: "the transaction was cancelled",
  [RESPONSE.SpecificationOfDestinationUnsupported]: "the camera cannot take a destination",
};

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
  return `${RESPONSE_WORDS[code]} (${name}, ${hex4(code)})`;
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

/** An InitFail reason in words, with its number. */
export function initFailReason(code: number): string {
  switch (code) {
    case INIT_FAIL.RejectedInitiator:
      return "the camera refused this computer (not paired with it, or not confirmed on the camera) (reason 1)";
    case INIT_FAIL.Busy:
      return "the camera is busy (another computer is connected, or it is still listing computers) (reason 2)";
    case INIT_FAIL.Unspecified:
      return "the camera refused the connection without a reason (reason 3)";
    case INIT_FAIL.InvalidGuid:
      return "the camera refused this computer's GUID (reason 4)";
    default:
      return `the camera refused the connection (reason ${code >>> 0})`;
  }
}
