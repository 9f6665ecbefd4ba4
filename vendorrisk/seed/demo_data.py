"""Demo data: thirty fictional partner firms of a Shanghai company-services firm.

Every firm, person, address and number here is invented. Websites and e-mail addresses live under
the reserved ``example.com`` domain and phone numbers use the fictional 555 range, so nothing here
reaches a real firm or person if the demo sends mail or someone dials a number.

The intake is spread so the inherent tiering gives a realistic mix: 5 low, 10 medium, 10 high,
5 critical. The comment above each vendor shows its points, in this order: most sensitive data
category (contact 1, identity 2, financial 3, business secrets 3; +1 for three or more
categories), record volume (0 / 1 / 2 / 3 from 0 / 100 / 1,000 / 10,000 records), +2 if it stores
data, +1 if it uses subcontractors, criticality (low 0, medium 1, high 2). Tiers: low 0-2,
medium 3-5, high 6-8, critical 9+; a vendor with no client data is at most medium.

Nothing runs on import besides building ``DEMO_VENDORS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from vendorrisk.vendors.domain import Criticality, DataCategory, VendorKind, VendorStatus

_IDENTITY = DataCategory.IDENTITY
_CONTACT = DataCategory.CONTACT
_FINANCIAL = DataCategory.FINANCIAL
_SECRETS = DataCategory.BUSINESS_SECRETS


@dataclass(frozen=True)
class DemoContact:
    name: str
    email: str  # always under a reserved example.com domain
    role: str  # job role at the firm
    phone: str  # fictional 555 number


@dataclass(frozen=True)
class DemoVendor:
    name: str  # unique
    kind: VendorKind
    services: str  # what the firm does for the company
    data_categories: frozenset[DataCategory]
    record_count: int
    stores_data: bool
    uses_subcontractors: bool
    criticality: Criticality
    status: VendorStatus
    website: str
    city: str
    contacts: tuple[DemoContact, ...]  # 1 to 3


DEMO_VENDORS: tuple[DemoVendor, ...] = (
    # ---------------------------------------------------------------- law firms (8)
    # CRITICAL 10 = data 3+1 (identity, contact, financial) + volume 2 + stores 2 + subs 0 + crit 2
    DemoVendor(
        name="上海衡信律师事务所 (Shanghai Hengxin Law Firm)",
        kind=VendorKind.LAW_FIRM,
        services=(
            "Handles company deregistration (注销) filings with the Administration for Market "
            "Regulation, including liquidation-group filing (清算组备案) and the 45-day creditor "
            "announcement on the National Enterprise Credit Information Publicity System."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT, _FINANCIAL}),
        record_count=2_500,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.HIGH,
        status=VendorStatus.ACTIVE,
        website="https://hengxin-law.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="李娜 (Li Na)",
                email="li.na@hengxin-law.example.com",
                role="合伙人",
                phone="+86 21 5555 0101",
            ),
            DemoContact(
                name="周文博 (Zhou Wenbo)",
                email="zhou.wenbo@hengxin-law.example.com",
                role="律师助理",
                phone="+86 21 5555 0102",
            ),
        ),
    ),
    # HIGH 8 = data 3+1 (identity, financial, secrets) + volume 1 + stores 2 + subs 0 + crit 1
    DemoVendor(
        name="上海明澄律师事务所 (Shanghai Mingcheng Law Firm)",
        kind=VendorKind.LAW_FIRM,
        services=(
            "Carries out legal due diligence on target companies in equity transfers (股权转让) "
            "and drafts the share-transfer agreements and shareholder resolutions."
        ),
        data_categories=frozenset({_IDENTITY, _FINANCIAL, _SECRETS}),
        record_count=600,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://mingcheng-law.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="陈思远 (Chen Siyuan)",
                email="chen.siyuan@mingcheng-law.example.com",
                role="高级合伙人",
                phone="+86 21 5555 0111",
            ),
            DemoContact(
                name="王雪 (Wang Xue)",
                email="wang.xue@mingcheng-law.example.com",
                role="Associate, M&A",
                phone="+86 21 5555 0112",
            ),
            DemoContact(
                name="徐立 (Xu Li)",
                email="xu.li@mingcheng-law.example.com",
                role="IT security lead",
                phone="+86 21 5555 0113",
            ),
        ),
    ),
    # MEDIUM 5 = data 2 (identity, contact) + volume 1 + stores 2 + subs 0 + crit 0
    DemoVendor(
        name="北京正平律师事务所 (Beijing Zhengping Law Firm)",
        kind=VendorKind.LAW_FIRM,
        services=(
            "Represents Beijing-registered clients in creditor claims raised during liquidation "
            "and in restoring companies whose business licence was revoked (吊销) so they can be "
            "deregistered."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT}),
        record_count=150,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ACTIVE,
        website="https://zhengping-law.example.com",
        city="Beijing",
        contacts=(
            DemoContact(
                name="赵海峰 (Zhao Haifeng)",
                email="zhao.haifeng@zhengping-law.example.com",
                role="主任律师",
                phone="+86 10 5555 0121",
            ),
        ),
    ),
    # MEDIUM 5 = data 3 (identity, secrets) + volume 0 + stores 2 + subs 0 + crit 0
    DemoVendor(
        name="Harbourline Solicitors",
        kind=VendorKind.LAW_FIRM,
        services=(
            "Prepares instruments of transfer and stamp-duty filings for shares in clients' Hong "
            "Kong holding companies, and applies for deregistration with the Companies Registry "
            "once the tax authority issues its notice of no objection."
        ),
        data_categories=frozenset({_IDENTITY, _SECRETS}),
        record_count=80,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ONBOARDING,
        website="https://harbourline-solicitors.example.com",
        city="Hong Kong",
        contacts=(
            DemoContact(
                name="Grace Leung",
                email="grace.leung@harbourline-solicitors.example.com",
                role="Partner",
                phone="+852 5555 0131",
            ),
            DemoContact(
                name="Daniel Ho",
                email="daniel.ho@harbourline-solicitors.example.com",
                role="Trainee solicitor",
                phone="+852 5555 0132",
            ),
        ),
    ),
    # MEDIUM 5 = data 2 (identity, contact) + volume 1 + stores 2 + subs 0 + crit 0
    DemoVendor(
        name="深圳启鸿律师事务所 (Shenzhen Qihong Law Firm)",
        kind=VendorKind.LAW_FIRM,
        services=(
            "Files simplified deregistration (简易注销) and ordinary deregistration for clients' "
            "Shenzhen subsidiaries and attends the local market-regulation bureau in person."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT}),
        record_count=300,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ACTIVE,
        website="https://qihong-law.example.com",
        city="Shenzhen",
        contacts=(
            DemoContact(
                name="黄嘉怡 (Huang Jiayi)",
                email="huang.jiayi@qihong-law.example.com",
                role="合伙人",
                phone="+86 755 5555 0141",
            ),
        ),
    ),
    # HIGH 7 = data 3+1 (identity, contact, financial) + volume 0 + stores 2 + subs 1 + crit 0
    DemoVendor(
        name="Kestrel & Vane Rechtsanwälte PartG mbB",
        kind=VendorKind.LAW_FIRM,
        services=(
            "Winds up clients' German GmbH subsidiaries: liquidator appointment, creditor notice "
            "in the Federal Gazette and the one-year blocking period; works with a German notary "
            "and sworn translators (GDPR Art. 28 processor terms needed)."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT, _FINANCIAL}),
        record_count=40,
        stores_data=True,
        uses_subcontractors=True,
        criticality=Criticality.LOW,
        status=VendorStatus.ONBOARDING,
        website="https://kestrel-vane.example.com",
        city="Frankfurt",
        contacts=(
            DemoContact(
                name="Dr. Katrin Vogler",
                email="k.vogler@kestrel-vane.example.com",
                role="Partner, corporate law",
                phone="+49 69 5555 0151",
            ),
            DemoContact(
                name="Jonas Albrecht",
                email="j.albrecht@kestrel-vane.example.com",
                role="Data protection officer",
                phone="+49 69 5555 0152",
            ),
        ),
    ),
    # LOW 1 = data 1 (contact) + volume 0 + stores 0 + subs 0 + crit 0
    DemoVendor(
        name="杭州知禾律师事务所 (Hangzhou Zhihe Law Firm)",
        kind=VendorKind.LAW_FIRM,
        services=(
            "Records the assignment of trademarks and domain names to the buyer after an equity "
            "or asset transfer; receives only the contact person for signing the forms."
        ),
        data_categories=frozenset({_CONTACT}),
        record_count=60,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ACTIVE,
        website="https://zhihe-law.example.com",
        city="Hangzhou",
        contacts=(
            DemoContact(
                name="沈佳琪 (Shen Jiaqi)",
                email="shen.jiaqi@zhihe-law.example.com",
                role="知识产权律师",
                phone="+86 571 5555 0161",
            ),
        ),
    ),
    # HIGH 8 = data 3+1 (identity, contact, financial) + volume 1 + stores 2 + subs 0 + crit 1
    # Suspended: its confidentiality agreement lapsed and the renewal is still unsigned.
    DemoVendor(
        name="上海安栎律师事务所 (Shanghai Anli Law Firm)",
        kind=VendorKind.LAW_FIRM,
        services=(
            "Advises on terminating employees of companies being deregistered, negotiates "
            "severance and represents clients in labour arbitration."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT, _FINANCIAL}),
        record_count=400,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.SUSPENDED,
        website="https://anli-law.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="孙莉 (Sun Li)",
                email="sun.li@anli-law.example.com",
                role="劳动法合伙人",
                phone="+86 21 5555 0171",
            ),
            DemoContact(
                name="马俊 (Ma Jun)",
                email="ma.jun@anli-law.example.com",
                role="Office manager",
                phone="+86 21 5555 0172",
            ),
        ),
    ),
    # ---------------------------------------------------------------- accounting firms (8)
    # CRITICAL 11 = data 3+1 (identity, financial, secrets) + volume 3 + stores 2 + subs 0 + crit 2
    DemoVendor(
        name="上海澄礼会计师事务所 (Shanghai Chengli CPA Firm)",
        kind=VendorKind.ACCOUNTING_FIRM,
        services=(
            "Issues the liquidation audit reports (清算审计报告) and final-account audits that "
            "deregistration filings require, working from clients' full ledgers and bank "
            "statements."
        ),
        data_categories=frozenset({_IDENTITY, _FINANCIAL, _SECRETS}),
        record_count=15_000,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.HIGH,
        status=VendorStatus.ACTIVE,
        website="https://chengli-cpa.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="吴建国 (Wu Jianguo)",
                email="wu.jianguo@chengli-cpa.example.com",
                role="主任会计师",
                phone="+86 21 5555 0201",
            ),
            DemoContact(
                name="林晓燕 (Lin Xiaoyan)",
                email="lin.xiaoyan@chengli-cpa.example.com",
                role="审计经理",
                phone="+86 21 5555 0202",
            ),
            DemoContact(
                name="Kevin Zhang",
                email="kevin.zhang@chengli-cpa.example.com",
                role="IT manager",
                phone="+86 21 5555 0203",
            ),
        ),
    ),
    # HIGH 8 = data 3 (identity, financial) + volume 2 + stores 2 + subs 0 + crit 1
    DemoVendor(
        name="上海润衡税务师事务所 (Shanghai Runheng Tax Agents)",
        kind=VendorKind.ACCOUNTING_FIRM,
        services=(
            "Obtains tax deregistration clearance (清税证明): files the final tax returns, "
            "settles outstanding taxes and cancels unused invoices with the tax bureau."
        ),
        data_categories=frozenset({_IDENTITY, _FINANCIAL}),
        record_count=3_000,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://runheng-tax.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="郑慧 (Zheng Hui)",
                email="zheng.hui@runheng-tax.example.com",
                role="所长",
                phone="+86 21 5555 0211",
            ),
            DemoContact(
                name="杨帆 (Yang Fan)",
                email="yang.fan@runheng-tax.example.com",
                role="税务师",
                phone="+86 21 5555 0212",
            ),
        ),
    ),
    # HIGH 7 = data 3 (financial, secrets) + volume 1 + stores 2 + subs 0 + crit 1
    DemoVendor(
        name="Calderbrook Audit Partners",
        kind=VendorKind.ACCOUNTING_FIRM,
        services=(
            "Audits the target company's net assets before an equity transfer so the parties "
            "can agree the transfer price, and reviews the completion accounts afterwards."
        ),
        data_categories=frozenset({_FINANCIAL, _SECRETS}),
        record_count=400,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://calderbrook-audit.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="Helen Marsh",
                email="helen.marsh@calderbrook-audit.example.com",
                role="Audit partner",
                phone="+86 21 5555 0221",
            ),
            DemoContact(
                name="刘洋 (Liu Yang)",
                email="liu.yang@calderbrook-audit.example.com",
                role="Senior auditor",
                phone="+86 21 5555 0222",
            ),
        ),
    ),
    # LOW 2 = data 1 (contact) + volume 0 + stores 0 + subs 0 + crit 1
    DemoVendor(
        name="北京恒礼会计师事务所 (Beijing Hengli CPA Firm)",
        kind=VendorKind.ACCOUNTING_FIRM,
        services=(
            "Gives second opinions on Beijing tax-bureau practice for deregistration cases "
            "described in anonymised form; receives only the client contact's name when a "
            "meeting is arranged."
        ),
        data_categories=frozenset({_CONTACT}),
        record_count=30,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://hengli-cpa.example.com",
        city="Beijing",
        contacts=(
            DemoContact(
                name="何静 (He Jing)",
                email="he.jing@hengli-cpa.example.com",
                role="合伙人",
                phone="+86 10 5555 0231",
            ),
        ),
    ),
    # MEDIUM 5 = data 3 (financial, contact) + volume 0 + stores 2 + subs 0 + crit 0
    DemoVendor(
        name="Lumen Ledger Accounting Pte. Ltd.",
        kind=VendorKind.ACCOUNTING_FIRM,
        services=(
            "Prepares final accounts and tax clearance for clients' Singapore subsidiaries and "
            "applies to ACRA to strike them off the register."
        ),
        data_categories=frozenset({_FINANCIAL, _CONTACT}),
        record_count=90,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ONBOARDING,
        website="https://lumenledger.example.com",
        city="Singapore",
        contacts=(
            DemoContact(
                name="Priya Raman",
                email="priya.raman@lumenledger.example.com",
                role="Director",
                phone="+65 5555 0241",
            ),
            DemoContact(
                name="Marcus Tan",
                email="marcus.tan@lumenledger.example.com",
                role="Corporate secretarial manager",
                phone="+65 5555 0242",
            ),
        ),
    ),
    # HIGH 8 = data 3+1 (identity, contact, financial) + volume 2 + stores 2 + subs 0 + crit 0
    DemoVendor(
        name="上海和账财务咨询有限公司 (Shanghai Hezhang Bookkeeping Co., Ltd.)",
        kind=VendorKind.ACCOUNTING_FIRM,
        services=(
            "Licensed bookkeeping agent (代理记账) that catches up missing bookkeeping for "
            "dormant companies and prepares the final accounts before deregistration."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT, _FINANCIAL}),
        record_count=8_000,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ACTIVE,
        website="https://hezhang-bookkeeping.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="朱梅 (Zhu Mei)",
                email="zhu.mei@hezhang-bookkeeping.example.com",
                role="总经理",
                phone="+86 21 5555 0251",
            ),
            DemoContact(
                name="许晨 (Xu Chen)",
                email="xu.chen@hezhang-bookkeeping.example.com",
                role="记账主管",
                phone="+86 21 5555 0252",
            ),
        ),
    ),
    # MEDIUM 5 = data 3 (identity, financial) + volume 1 + stores 0 + subs 0 + crit 1
    DemoVendor(
        name="Sandpiper Tax Advisory",
        kind=VendorKind.ACCOUNTING_FIRM,
        services=(
            "Computes and files individual income tax on equity-transfer gains and stamp duty "
            "for individual shareholders selling their stakes."
        ),
        data_categories=frozenset({_IDENTITY, _FINANCIAL}),
        record_count=500,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://sandpiper-tax.example.com",
        city="Shenzhen",
        contacts=(
            DemoContact(
                name="Vivian Chow",
                email="vivian.chow@sandpiper-tax.example.com",
                role="Tax director",
                phone="+86 755 5555 0261",
            ),
        ),
    ),
    # MEDIUM 4 = data 3 (financial, secrets) + volume 1 + stores 0 + subs 0 + crit 0
    # Offboarded: engagement ended; data returned and destruction certificate on file.
    DemoVendor(
        name="杭州正则会计师事务所 (Hangzhou Zhengze CPA Firm)",
        kind=VendorKind.ACCOUNTING_FIRM,
        services=(
            "Prepared net-asset appraisal reports for equity transfers of Hangzhou clients, "
            "working on site from copies of the ledgers."
        ),
        data_categories=frozenset({_FINANCIAL, _SECRETS}),
        record_count=120,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.OFFBOARDED,
        website="https://zhengze-cpa.example.com",
        city="Hangzhou",
        contacts=(
            DemoContact(
                name="钱伟 (Qian Wei)",
                email="qian.wei@zhengze-cpa.example.com",
                role="评估项目经理",
                phone="+86 571 5555 0271",
            ),
        ),
    ),
    # ---------------------------------------------------------------- IT services (8)
    # CRITICAL 12 = data 3+1 (all four) + volume 3 + stores 2 + subs 1 + crit 2
    DemoVendor(
        name="Stratoquay Cloud Services",
        kind=VendorKind.IT_SERVICE,
        services=(
            "Hosts the company's case-management system and its database on managed servers; "
            "the racks sit in a third-party colocation data centre."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT, _FINANCIAL, _SECRETS}),
        record_count=60_000,
        stores_data=True,
        uses_subcontractors=True,
        criticality=Criticality.HIGH,
        status=VendorStatus.ACTIVE,
        website="https://stratoquay.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="Eric Gu",
                email="eric.gu@stratoquay.example.com",
                role="Account manager",
                phone="+86 21 5555 0301",
            ),
            DemoContact(
                name="蒋磊 (Jiang Lei)",
                email="jiang.lei@stratoquay.example.com",
                role="Head of security operations",
                phone="+86 21 5555 0302",
            ),
            DemoContact(
                name="Olivia Xie",
                email="olivia.xie@stratoquay.example.com",
                role="Compliance officer",
                phone="+86 21 5555 0303",
            ),
        ),
    ),
    # HIGH 8 = data 2 (identity, contact) + volume 3 + stores 2 + subs 0 + crit 1
    DemoVendor(
        name="上海契签信息技术有限公司 (Shanghai Qiqian E-Signature Technology Co., Ltd.)",
        kind=VendorKind.IT_SERVICE,
        services=(
            "E-signature platform for share-transfer agreements and shareholder resolutions, "
            "including real-name verification of each signatory."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT}),
        record_count=12_000,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://qiqian-esign.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="韩冰 (Han Bing)",
                email="han.bing@qiqian-esign.example.com",
                role="客户成功经理",
                phone="+86 21 5555 0311",
            ),
            DemoContact(
                name="唐浩 (Tang Hao)",
                email="tang.hao@qiqian-esign.example.com",
                role="安全合规负责人",
                phone="+86 21 5555 0312",
            ),
        ),
    ),
    # CRITICAL 11 = data 3+1 (identity, financial, secrets) + volume 3 + stores 2 + subs 0 + crit 2
    DemoVendor(
        name="Foliant Document Cloud",
        kind=VendorKind.IT_SERVICE,
        services=(
            "Document-management SaaS holding the scanned business licences, articles of "
            "association, ledgers and signed filings of every open case."
        ),
        data_categories=frozenset({_IDENTITY, _FINANCIAL, _SECRETS}),
        record_count=20_000,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.HIGH,
        status=VendorStatus.ACTIVE,
        website="https://foliant-docs.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="Nathan Brooks",
                email="nathan.brooks@foliant-docs.example.com",
                role="Customer success lead",
                phone="+86 21 5555 0321",
            ),
            DemoContact(
                name="曹颖 (Cao Ying)",
                email="cao.ying@foliant-docs.example.com",
                role="Information security manager",
                phone="+86 21 5555 0322",
            ),
        ),
    ),
    # HIGH 8 = data 3+1 (identity, contact, financial) + volume 1 + stores 2 + subs 0 + crit 1
    DemoVendor(
        name="杭州薪桥软件有限公司 (Hangzhou Xinqiao Payroll Software Co., Ltd.)",
        kind=VendorKind.IT_SERVICE,
        services=(
            "Payroll SaaS used to compute final salaries and severance for staff of companies "
            "being deregistered and to close their social-insurance and housing-fund accounts."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT, _FINANCIAL}),
        record_count=800,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ONBOARDING,
        website="https://xinqiao-payroll.example.com",
        city="Hangzhou",
        contacts=(
            DemoContact(
                name="潘悦 (Pan Yue)",
                email="pan.yue@xinqiao-payroll.example.com",
                role="销售总监",
                phone="+86 571 5555 0331",
            ),
            DemoContact(
                name="袁志强 (Yuan Zhiqiang)",
                email="yuan.zhiqiang@xinqiao-payroll.example.com",
                role="CTO",
                phone="+86 571 5555 0332",
            ),
        ),
    ),
    # LOW 2 = data 1 (contact) + volume 0 + stores 0 + subs 0 + crit 1
    DemoVendor(
        name="Quayside Managed IT",
        kind=VendorKind.IT_SERVICE,
        services=(
            "Desktop helpdesk and printer support for the office; no administrator access to "
            "the case-management system, sees only the staff address book and client e-mail "
            "senders when fixing mail problems."
        ),
        data_categories=frozenset({_CONTACT}),
        record_count=50,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://quayside-it.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="Tom Fischer",
                email="tom.fischer@quayside-it.example.com",
                role="Service delivery manager",
                phone="+86 21 5555 0341",
            ),
        ),
    ),
    # HIGH 6 = data 3 (identity, financial) + volume 2 + stores 0 + subs 0 + crit 1
    DemoVendor(
        name="Lucidscan Imaging Services",
        kind=VendorKind.IT_SERVICE,
        services=(
            "Scans and indexes paper case files into the document-management system at our "
            "office and deletes its working copies once the upload is verified."
        ),
        data_categories=frozenset({_IDENTITY, _FINANCIAL}),
        record_count=8_000,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://lucidscan.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="Amy Lu",
                email="amy.lu@lucidscan.example.com",
                role="Operations manager",
                phone="+86 21 5555 0351",
            ),
            DemoContact(
                name="董鹏 (Dong Peng)",
                email="dong.peng@lucidscan.example.com",
                role="Scanning team lead",
                phone="+86 21 5555 0352",
            ),
        ),
    ),
    # MEDIUM 5 = data 2 (identity, contact) + volume 1 + stores 2 + subs 0 + crit 0
    DemoVendor(
        name="Ostwind Cloud GmbH",
        kind=VendorKind.IT_SERVICE,
        services=(
            "Secure file-exchange portal, hosted in Germany, for collecting passports and "
            "signed documents from EU shareholders (GDPR Art. 28 processor)."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT}),
        record_count=700,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ONBOARDING,
        website="https://ostwind-cloud.example.com",
        city="Frankfurt",
        contacts=(
            DemoContact(
                name="Lena Hartmann",
                email="lena.hartmann@ostwind-cloud.example.com",
                role="Key account manager",
                phone="+49 69 5555 0361",
            ),
            DemoContact(
                name="Matthias Krüger",
                email="datenschutz@ostwind-cloud.example.com",
                role="Data protection officer",
                phone="+49 69 5555 0362",
            ),
        ),
    ),
    # LOW 0 = no client data + volume 0 + stores 0 + subs 0 + crit 0
    DemoVendor(
        name="Pixelwharf Web Studio",
        kind=VendorKind.IT_SERVICE,
        services=(
            "Maintains the company's public marketing website; has no access to client data "
            "or internal systems."
        ),
        data_categories=frozenset(),
        record_count=0,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ACTIVE,
        website="https://pixelwharf.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="Sophie Wu",
                email="sophie.wu@pixelwharf.example.com",
                role="Project manager",
                phone="+86 21 5555 0371",
            ),
        ),
    ),
    # ---------------------------------------------------------------- other services (6)
    # CRITICAL 10 = data 3+1 (all four) + volume 3 + stores 2 + subs 0 + crit 1
    DemoVendor(
        name="上海鼎藏档案管理有限公司 (Shanghai Dingcang Archive Management Co., Ltd.)",
        kind=VendorKind.OTHER,
        services=(
            "Stores closed case files in boxes at its off-site archive for the statutory "
            "retention period and retrieves boxes on request."
        ),
        data_categories=frozenset({_IDENTITY, _CONTACT, _FINANCIAL, _SECRETS}),
        record_count=25_000,
        stores_data=True,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://dingcang-archive.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="邱立新 (Qiu Lixin)",
                email="qiu.lixin@dingcang-archive.example.com",
                role="客户经理",
                phone="+86 21 5555 0401",
            ),
            DemoContact(
                name="范敏 (Fan Min)",
                email="fan.min@dingcang-archive.example.com",
                role="库房主管",
                phone="+86 21 5555 0402",
            ),
        ),
    ),
    # MEDIUM 5 = data 3 (identity, financial) + volume 2 + stores 0 + subs 0 + crit 0
    DemoVendor(
        name="Ironleaf Document Destruction",
        kind=VendorKind.OTHER,
        services=(
            "Shreds paper case files on site in a mobile shredding truck, witnessed by our "
            "staff, and issues a certificate of destruction for each batch."
        ),
        data_categories=frozenset({_IDENTITY, _FINANCIAL}),
        record_count=5_000,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ACTIVE,
        website="https://ironleaf-shred.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="Peter Yuan",
                email="peter.yuan@ironleaf-shred.example.com",
                role="Operations supervisor",
                phone="+86 21 5555 0411",
            ),
        ),
    ),
    # MEDIUM 4 = data 2 (identity) + volume 1 + stores 0 + subs 0 + crit 1
    DemoVendor(
        name="上海捷函同城速递有限公司 (Shanghai Jiehan City Courier Co., Ltd.)",
        kind=VendorKind.OTHER,
        services=(
            "Carries original business licences, official seals and signed filings between "
            "clients, our office and the market-regulation and tax bureaux in sealed bags "
            "with handover receipts."
        ),
        data_categories=frozenset({_IDENTITY}),
        record_count=800,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.MEDIUM,
        status=VendorStatus.ACTIVE,
        website="https://jiehan-courier.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="罗刚 (Luo Gang)",
                email="luo.gang@jiehan-courier.example.com",
                role="调度主管",
                phone="+86 21 5555 0421",
            ),
        ),
    ),
    # HIGH 7 = data 3 (identity, secrets) + volume 1 + stores 2 + subs 1 + crit 0
    # Suspended: it used freelance translators who had signed no confidentiality undertaking.
    DemoVendor(
        name="Quillmark Translation Services",
        kind=VendorKind.OTHER,
        services=(
            "Certified translations of foreign shareholders' passports, board resolutions and "
            "articles of association; part of the work goes to freelance translators."
        ),
        data_categories=frozenset({_IDENTITY, _SECRETS}),
        record_count=300,
        stores_data=True,
        uses_subcontractors=True,
        criticality=Criticality.LOW,
        status=VendorStatus.SUSPENDED,
        website="https://quillmark-translation.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="Claire Dubois",
                email="claire.dubois@quillmark-translation.example.com",
                role="Managing director",
                phone="+86 21 5555 0431",
            ),
            DemoContact(
                name="高倩 (Gao Qian)",
                email="gao.qian@quillmark-translation.example.com",
                role="Project coordinator",
                phone="+86 21 5555 0432",
            ),
        ),
    ),
    # LOW 2 = data 2 (identity) + volume 0 + stores 0 + subs 0 + crit 0
    DemoVendor(
        name="上海证通公证咨询服务有限公司 (Shanghai Zhengtong Notarization Support Co., Ltd.)",
        kind=VendorKind.OTHER,
        services=(
            "Books notary appointments and arranges notarisation, apostille or consular "
            "legalisation of foreign shareholders' identity documents and powers of attorney."
        ),
        data_categories=frozenset({_IDENTITY}),
        record_count=90,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ACTIVE,
        website="https://zhengtong-notary.example.com",
        city="Shanghai",
        contacts=(
            DemoContact(
                name="石秀英 (Shi Xiuying)",
                email="shi.xiuying@zhengtong-notary.example.com",
                role="业务经理",
                phone="+86 21 5555 0441",
            ),
        ),
    ),
    # MEDIUM 3 = data 3 (identity, financial) + volume 0 + stores 0 + subs 0 + crit 0
    DemoVendor(
        name="Tidewell Corporate Services Limited",
        kind=VendorKind.OTHER,
        services=(
            "Bank-agency service that closes the Hong Kong bank accounts of clients' Hong Kong "
            "subsidiaries and arranges the final remittance of remaining funds."
        ),
        data_categories=frozenset({_IDENTITY, _FINANCIAL}),
        record_count=30,
        stores_data=False,
        uses_subcontractors=False,
        criticality=Criticality.LOW,
        status=VendorStatus.ONBOARDING,
        website="https://tidewell-corp.example.com",
        city="Hong Kong",
        contacts=(
            DemoContact(
                name="Raymond Kwok",
                email="raymond.kwok@tidewell-corp.example.com",
                role="Director",
                phone="+852 5555 0451",
            ),
            DemoContact(
                name="Cindy Lam",
                email="cindy.lam@tidewell-corp.example.com",
                role="Client services officer",
                phone="+852 5555 0452",
            ),
        ),
    ),
)
