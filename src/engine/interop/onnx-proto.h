/* onnx-proto.h — the protobuf wire format, as much of it as the ONNX exporter writes: fields
 * appended to a GByteArray as varints (wire type 0), little-endian float32 (wire type 5) and
 * length-delimited bytes, strings and nested messages (wire type 2). A nested message is
 * encoded into a buffer of its own first, since its length comes before it. Internal to
 * onnx.c. */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

void cari_pb_varint (GByteArray *b, guint64 v);
/* An int64 or enum field; negative values take ten bytes, as protobuf encodes them. */
void cari_pb_int (GByteArray *b, guint field, gint64 v);
void cari_pb_float (GByteArray *b, guint field, float v);
void cari_pb_bytes (GByteArray *b, guint field, const void *data, size_t len);
void cari_pb_string (GByteArray *b, guint field, const char *s);
void cari_pb_message (GByteArray *b, guint field, const GByteArray *message);

G_END_DECLS
