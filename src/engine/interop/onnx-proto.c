/* onnx-proto.c — protobuf fields: a key (field number << 3 | wire type), then the value. */
#include "interop/onnx-proto.h"

#include <string.h>

enum
{
  WIRE_VARINT = 0,
  WIRE_LENGTH = 2,
  WIRE_FIXED32 = 5,
};

void
cari_pb_varint (GByteArray *b, guint64 v)
{
  guint8 out[10];
  guint n = 0;
  do
    {
      out[n++] = (guint8) ((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
      v >>= 7;
    }
  while (v != 0);
  g_byte_array_append (b, out, n);
}

static void
key (GByteArray *b, guint field, guint wire)
{
  cari_pb_varint (b, (guint64) field << 3 | wire);
}

void
cari_pb_int (GByteArray *b, guint field, gint64 v)
{
  key (b, field, WIRE_VARINT);
  cari_pb_varint (b, (guint64) v);
}

void
cari_pb_float (GByteArray *b, guint field, float v)
{
  guint32 bits;
  guint8 out[4];
  memcpy (&bits, &v, 4);
  for (int i = 0; i < 4; i++)
    out[i] = (guint8) (bits >> (8 * i));
  key (b, field, WIRE_FIXED32);
  g_byte_array_append (b, out, 4);
}

void
cari_pb_bytes (GByteArray *b, guint field, const void *data, size_t len)
{
  key (b, field, WIRE_LENGTH);
  cari_pb_varint (b, len);
  if (len > 0)
    g_byte_array_append (b, data, (guint) len);
}

void
cari_pb_string (GByteArray *b, guint field, const char *s)
{
  cari_pb_bytes (b, field, s, strlen (s));
}

void
cari_pb_message (GByteArray *b, guint field, const GByteArray *message)
{
  cari_pb_bytes (b, field, message->data, message->len);
}
