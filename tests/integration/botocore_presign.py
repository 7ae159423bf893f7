"""Prints botocore's presigned GetCallerIdentity URL for fixed inputs, the way `aws eks get-token`
builds it (x-k8s-aws-id signed, 60 s). Arguments: AKID SECRET TOKEN REGION CLUSTER EPOCH [ENDPOINT]."""
import datetime, os, sys
from unittest import mock
import botocore.session
from botocore.auth import SigV4QueryAuth
akid, secret, token, region, cluster, epoch = sys.argv[1:7]
endpoint = sys.argv[7] if len(sys.argv) > 7 else None
os.environ['AWS_STS_REGIONAL_ENDPOINTS'] = 'regional'  # older botocore defaults to legacy
s = botocore.session.get_session()
kw = dict(region_name=region, aws_access_key_id=akid, aws_secret_access_key=secret, aws_session_token=token or None)
if endpoint: kw['endpoint_url'] = endpoint
c = s.create_client('sts', **kw)
def inject(request, **k): request.headers['x-k8s-aws-id'] = cluster
c.meta.events.register('before-sign.sts.GetCallerIdentity', inject)
fixed = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).replace(tzinfo=None)
# Newer botocore reads the clock through get_current_datetime, older through datetime.utcnow.
if hasattr(botocore.auth, 'get_current_datetime'):
    clock = mock.patch('botocore.auth.get_current_datetime', return_value=fixed)
else:
    fake = mock.MagicMock(wraps=datetime)
    fake.datetime.utcnow.return_value = fixed
    clock = mock.patch('botocore.auth.datetime', fake)
with clock:
    print(c.generate_presigned_url('get_caller_identity', Params={}, ExpiresIn=60, HttpMethod='GET'))
