package wpapi

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// appendJSON appends the JSON of v to b. It writes the API's own shapes (obj, lists of them,
// strings, numbers) directly, keeping key order and not escaping <, > and & (WordPress does
// not either; answers are application/json with nosniff, never read as HTML), and hands
// anything else to encoding/json. A collection of comments is hundreds of small values, and
// one reflective encoder per value would cost more than building the answer.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case rawJSON:
		return append(b, x...), nil
	case obj:
		b = append(b, '{')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e.k)
			b = append(b, ':')
			var err error
			if b, err = appendJSON(b, e.v); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []obj:
		return appendList(b, len(x), func(b []byte, i int) ([]byte, error) { return appendJSON(b, x[i]) })
	case []any:
		return appendList(b, len(x), func(b []byte, i int) ([]byte, error) { return appendJSON(b, x[i]) })
	case []string:
		return appendList(b, len(x), func(b []byte, i int) ([]byte, error) { return appendString(b, x[i]), nil })
	case []int64:
		return appendList(b, len(x), func(b []byte, i int) ([]byte, error) { return strconv.AppendInt(b, x[i], 10), nil })
	case string:
		return appendString(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...), nil
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}

// rawJSON is part of an answer already encoded by appendJSON.
type rawJSON []byte

func appendList(b []byte, n int, item func([]byte, int) ([]byte, error)) ([]byte, error) {
	b = append(b, '[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = item(b, i); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced, and U+2028/U+2029 escaped (JavaScript line terminators).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
