"""Prints botocore's presigned GetCallerIdentity URL for fixed inputs, the way `aws eks get-token`
builds it (x-k8s-aws-id signed, 60 s). Arguments: AKID SECRET TOKEN REGION CLUSTER EPOCH [ENDPOINT]."""
import sys, datetime
from unittest import mock
import botocore.session
from botocore.auth import SigV4QueryAuth
akid, secret, token, region, cluster, epoch = sys.argv[1:7]
endpoint = sys.argv[7] if len(sys.argv) > 7 else None
s = botocore.session.get_session()
kw = dict(region_name=region, aws_access_key_id=akid, aws_secret_access_key=secret, aws_session_token=token or None)
if endpoint: kw['endpoint_url'] = endpoint
c = s.create_client('sts', **kw)
def inject(request, **k): request.headers['x-k8s-aws-id'] = cluster
c.meta.events.register('before-sign.sts.GetCallerIdentity', inject)
fixed = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).replace(tzinfo=None)
with mock.patch('botocore.auth.get_current_datetime', return_value=fixed):
    print(c.generate_presigned_url('get_caller_identity', Params={}, ExpiresIn=60, HttpMethod='GET'))
