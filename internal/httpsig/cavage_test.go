package httpsig

import "testing"

func TestCavageParamsQuoting(t *testing.T) {
	p, err := cavageParams(`keyId="https://a.example/u?x=1,2#k", algorithm="hs2019",headers="(request-target) host",signature="YQ=="`)
	if err != nil || p["keyId"] != "https://a.example/u?x=1,2#k" || p["signature"] != "YQ==" || p["algorithm"] != "hs2019" {
		t.Fatalf("params = %v, %v", p, err)
	}
	for _, bad := range []string{`keyId="a`, `=x`, `keyId="a",keyId="b"`} {
		if _, err := cavageParams(bad); err == nil {
			t.Errorf("cavageParams(%q) accepted", bad)
		}
	}
}
