/**
 * Reading a UPnP device description with a strict XML parser: the element texts by path
 * (`root/device/friendlyName`), the root element and its namespace. A document that is not well-formed
 * XML throws, as it would fail on a camera.
 *
 * @module
 */

// Named here, not in deno.json: an import map entry would have `deno task` fetch it before any start.
import { SaxesParser } from "npm:saxes@^6.0.0";

/** What a description says, by element path. */
export interface DescriptionFields {
  /** The root element's local name. */
  root?: string;
  /** The root element's namespace URI. */
  namespace?: string;
  /** Element text by slash-joined path; the first element of a path wins. */
  fields: Map<string, string>;
}

/** Reads `xml`; throws the parser's error when it is not well-formed. */
export function readDescription(xml: string): DescriptionFields {
  const parser = new SaxesParser({ xmlns: true });
  const fields = new Map<string, string>();
  const stack: string[] = [];
  let root: string | undefined;
  let namespace: string | undefined;
  let text = "";
  parser.on("opentag", (tag) => {
    if (stack.length === 0) {
      root = tag.local;
      namespace = tag.uri;
    }
    stack.push(tag.local);
    text = "";
  });
  parser.on("text", (t) => (text += t));
  parser.on("closetag", () => {
    const path = stack.join("/");
    if (!fields.has(path)) fields.set(path, text);
    stack.pop();
    text = "";
  });
  parser.write(xml).close();
  return { root, namespace, fields };
}
