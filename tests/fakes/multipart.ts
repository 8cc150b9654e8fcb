// A multipart/form-data parser for the fake Bot API: grammY streams sendPhoto bodies in a form undici's
// formData() does not read (lower-case headers with no space, unquoted file names), so the fake parses them itself.

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a multipart Content-Type header, or undefined when it is not multipart. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** Splits a multipart body into its parts; throws on a body that does not follow the format. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new Error('multipart body has no boundary');
  while (true) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') break;
    if (body.subarray(position, position + 2).toString() !== '\r\n') throw new Error('multipart boundary not followed by CRLF');
    position += 2;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) throw new Error('multipart part has no header end');
    const headers = body.subarray(position, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part is not terminated');
    const data = body.subarray(headerEnd + 4, next);
    const part: MultipartPart = { name: '', data: Buffer.from(data) };
    for (const line of headers) {
      const colon = line.indexOf(':');
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-disposition') {
        part.name = /name="([^"]*)"/i.exec(value)?.[1] ?? '';
        const filename = /filename=(?:"([^"]*)"|([^;]*))/i.exec(value);
        if (filename) part.filename = (filename[1] ?? filename[2] ?? '').trim();
      } else if (key === 'content-type') {
        part.contentType = value;
      }
    }
    if (!part.name) throw new Error('multipart part has no name');
    parts.push(part);
    position = next + 2;
  }
  return parts;
}
